"""Replies on their way out: built as MIME, queued durably, sent exactly once."""
