"""A priority key's action runs after the keys typed before it.

Textual runs a priority binding's action at once, in the app's loop, but forwards every other
key to the focused widget's own message queue. When a terminal delivers keys in a burst (a fast
typist, a line pasted without bracketed paste, a loaded machine), the action ran before the
field had taken the keys typed before it: ctrl+o sent "Thanks" for "Thanks Bob", Tab completed
half a path, and the rest was typed after (into a closed composer, or onto the completion).

`after_typed_keys` makes such an action wait until the focused widget has handled every message
posted to it so far. The app's loop waits with it, so the keys after the priority key are read
only when its action is done: both sides keep the order they were typed in.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable
from typing import Any

from textual.app import App

PATIENCE = 2.0  # seconds; a widget takes its queued keys in milliseconds, this only ends a hang


async def typed_keys_taken(app: App[Any]) -> None:
    """Return once the widget that keys go to (the focused one, else the screen: as in
    `App.on_event`) has handled what was posted to it before now."""
    target = app.focused or app.screen
    taken = asyncio.Event()
    if target.call_later(taken.set):  # queued behind the keys; False when it is closing
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(taken.wait(), PATIENCE)


def after_typed_keys(action: Callable[..., Any]) -> Callable[..., Any]:
    """An action method (of a screen or an app) that runs after the keys typed before it."""

    @functools.wraps(action)
    async def run(owner: Any, *args: Any, **kwargs: Any) -> Any:
        await typed_keys_taken(owner if isinstance(owner, App) else owner.app)
        result = action(owner, *args, **kwargs)
        return await result if asyncio.iscoroutine(result) else result

    return run
