"""The composer made ahead: composed and mounted off screen while the seller reads the list, so
that `r` only fills it in for the ticket and shows it.

Building the composer's ~30 widgets (compose, mount, styles) was ~45-60 ms of CPU of the first
`r`'s ~150 (measured with marks in a real terminal, after the templates' preparation). One is
made once the templates are loaded (start_and_quit.py) and again after each composer closes;
it is used once. A composer made for another terminal width (its width classes are set as it
composes: breakpoints.py) is dropped and `r` builds one as before, as it does when none is
ready yet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.geometry import Size

from inbox_tui.store.drafts import get_draft
from inbox_tui.store.views import get_ticket

if TYPE_CHECKING:
    from inbox_tui.tui.app import InboxApp
    from inbox_tui.tui.screens.composer import ComposerScreen

AHEAD_AFTER = 0.5  # seconds after a composer closed before the next one is made


class ComposerAhead:
    """Holds at most one composer made ahead for the app."""

    def __init__(self, app: InboxApp) -> None:
        self.app = app
        self._composer: ComposerScreen | None = None
        self._size = Size(0, 0)  # the app's size when it was composed

    def make(self) -> None:
        """Compose and mount a composer off screen, unless one is there (or the app ends, or
        the templates are not loaded yet: the composer reads them as it composes)."""
        app = self.app
        templates = app.loaded_templates
        if self._composer is not None or templates is None or not app.is_running:
            return
        from inbox_tui.tui.screens.composer import ComposerScreen

        composer = ComposerScreen(
            app.store, None, config=app.config, templates=templates, now=app.now
        )
        self._composer, self._size = composer, app.size
        # What App.push_screen does to a screen that is not running yet (Textual's
        # _get_screen): registered, it composes and mounts; shown only when pushed.
        app._register(app, composer)

    def take(self, ticket_id: int) -> ComposerScreen | None:
        """The composer made ahead, if it is ready for this terminal and this ticket; never
        the same twice."""
        composer, self._composer = self._composer, None
        if composer is None:
            return None
        store = self.app.store
        if (
            composer.is_mounted
            and self._size == self.app.size
            and get_ticket(store, ticket_id) is not None
            and get_draft(store, ticket_id) is None
        ):
            return composer
        # half-built, for another width, the ticket is gone, or a draft is opened (in the text
        # instead of the template filter, which the composer made ahead has focused)
        composer.remove()
        return None
