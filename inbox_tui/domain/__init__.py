"""The domain model: what a message, an order, a reply, a ticket's status and a channel's
reply rule are. Plain data and a few pure helpers; it imports nothing else of inbox-tui, and
everything else imports it (docs/architecture.md)."""
