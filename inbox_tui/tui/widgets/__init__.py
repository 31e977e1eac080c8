"""Widgets of the inbox: the virtual ticket list, the thread pane, the view bar."""
