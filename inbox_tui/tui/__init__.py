"""The terminal UI: the app (composition root), its screens and widgets."""
