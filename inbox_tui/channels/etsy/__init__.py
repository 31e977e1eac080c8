"""Etsy: buyer messages arrive as Etsy's notification mail, through an IMAP source."""

from datetime import timedelta

from inbox_tui.channels.base import Channel

CHANNELS = (
    Channel(
        "etsy",
        "Etsy",
        timedelta(hours=24),
        "an Etsy buyer",
        addresses=r"@(?:[a-z0-9-]+\.)*etsy\.com$",
    ),
)
