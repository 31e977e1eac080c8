"""inbox-tui: a keyboard-driven terminal inbox for small online sellers."""

__version__ = "0.1.0"
