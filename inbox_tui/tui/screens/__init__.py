"""Screens of the inbox: the main list+thread screen and the full-screen thread."""
