"""The composer made ahead: composed and mounted off screen while the seller reads the list, so
that `r` only fills it in for the ticket and shows it.

Building the composer's ~30 widgets (compose, mount, styles) was ~45-60 ms of CPU of the first
`r`'s ~150 (measured with marks in a real terminal, after the templates' preparation). One is
made once the templates are loaded (start_and_quit.py) and again after each composer closes;
it is used once. A composer made for another terminal width (its width classes are set as it
composes: breakpoints.py) is dropped and `r` builds one as before, as it does when none is
ready yet; one still composing opens for the ticket as it mounts. While it mounts, the app
keeps the text the seller selected with the mouse (Textual's inputs clear it as they mount,
even off screen: InboxApp.clear_selection).
"""

from __future__ import annotations

from time import monotonic
from typing import TYPE_CHECKING

from textual import events
from textual.geometry import Size

from inbox_tui.store.drafts import get_draft
from inbox_tui.store.views import get_ticket

if TYPE_CHECKING:
    from inbox_tui.tui.app import InboxApp
    from inbox_tui.tui.screens.composer import ComposerScreen

AHEAD_AFTER = 0.5  # seconds after a composer closed before the next one is made
QUIET = 0.3  # seconds without a key or a mouse event before one is made (else it waits)


class ComposerAhead:
    """Holds at most one composer made ahead for the app."""

    def __init__(self, app: InboxApp) -> None:
        self.app = app
        self._composer: ComposerScreen | None = None
        self._size = Size(0, 0)  # the app's size when it was composed
        self._acted_at = 0.0  # monotonic time of the seller's last key or mouse event
        self._button_down = False

    def acted(self, event: events.Event) -> None:
        """A key or mouse event: the next composer waits for a quiet moment (built during a
        mouse drag over the thread, it ended the drag's text selection)."""
        self._acted_at = monotonic()
        if isinstance(event, events.MouseDown):
            self._button_down = True
        elif isinstance(event, events.MouseUp):
            self._button_down = False

    @property
    def mounting(self) -> bool:
        """A composer made ahead is composing or mounting off screen."""
        return self._composer is not None and not self._composer.ready

    def make(self) -> None:
        """Compose and mount a composer off screen, unless one is there, the app ends, or the
        templates are not loaded yet (the composer reads them as it composes). The app does
        not ask while a composer is open (its closing asks)."""
        app = self.app
        templates = app.loaded_templates
        if self._composer is not None or templates is None or not app.is_running:
            return
        if self._button_down or monotonic() - self._acted_at < QUIET:
            app.set_timer(QUIET, app.make_composer_ahead)  # the seller is busy: a bit later
            return
        from inbox_tui.tui.screens.composer import ComposerScreen

        composer = ComposerScreen(
            app.store, None, config=app.settings, templates=templates, now=app.now
        )
        self._composer, self._size = composer, app.size
        # What App.push_screen does to a screen that is not running yet (Textual's
        # _get_screen): registered, it composes and mounts; shown only when pushed.
        app._register(app, composer)

    def take(self, ticket_id: int) -> ComposerScreen | None:
        """The composer made ahead for this terminal's width, never the same twice: mounted
        (`ready`: the caller `open`s it), or still composing (it opens for the ticket as it
        mounts, as one built at `r`). None for a mounted one whose ticket is gone or has a
        draft (a composer built at `r` says so, or opens in the draft's text instead of the
        template filter the one made ahead has focused)."""
        composer, self._composer = self._composer, None
        if composer is None:
            return None
        if self._size != self.app.size:  # its width classes were set as it composed
            composer.remove()
            return None
        if not composer.ready:
            composer.open_on_mount(ticket_id)
            return composer
        store = self.app.store
        if get_ticket(store, ticket_id) is None or get_draft(store, ticket_id) is not None:
            composer.remove()
            return None
        return composer
