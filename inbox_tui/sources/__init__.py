"""Where messages come from: each source yields raw messages with their location."""

from inbox_tui.sources.base import IncomingMessage

__all__ = ["IncomingMessage"]
