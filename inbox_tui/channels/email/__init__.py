"""Plain e-mail: the channel of every message no marketplace relays."""

from datetime import timedelta

from inbox_tui.channels.base import Channel

EMAIL = Channel(
    "email",
    "Email",
    timedelta(hours=48),
    "plain e-mail (and any channel not listed)",
    business_hours=True,
)
CHANNELS = (EMAIL,)
