"""Channels: where customer conversations come from and replies go to. Each kind lives in its
own package behind the small interfaces of `base.py`, found through `registry.py`."""
