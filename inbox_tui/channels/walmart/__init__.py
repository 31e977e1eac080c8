"""Walmart: customer messages arrive as Walmart's notification mail, through an IMAP source."""

from datetime import timedelta

from inbox_tui.channels.base import Channel

CHANNELS = (
    Channel(
        "walmart",
        "Walmart",
        timedelta(hours=48),
        "a Walmart customer",
        addresses=r"@(?:[a-z0-9-]+\.)*walmart\.com$",
    ),
)
