"""The TUI's parts talk in messages (docs/architecture.md, "The TUI's messages"): screens and
widgets post intents that the app handles, the app posts facts that screens handle; no screen
calls the app by name, reaches into another screen or hangs things on the app; workers get
their store one way (Store.for_thread)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from textual.message import Message

from inbox_tui.store.db import Store
from inbox_tui.tui import messages
from inbox_tui.tui.app import InboxApp

TUI = Path(__file__).resolve().parent.parent / "inbox_tui" / "tui"

# what a screen or widget must not write, and why
FORBIDDEN = {
    r"getattr\(\s*self\.app\b": "calls the app by name: post an intent (tui/messages.py)",
    r"\bscreen_stack\b": "reaches into another screen: post an intent, the app acts",
    r"self\.app\._": "uses the app's private parts",
    r"self\.app\.\w+\s*=[^=]": "hangs something on the app from outside",
    r"\.path is (not )?None": "a store in memory is no special case: Store.for_thread",
    r"Store\.open\(": "a worker's store comes from Store.for_thread",
}


def _sources(folder: str) -> list[Path]:
    return sorted((TUI / folder).rglob("*.py"))


def _defined(kind: type[Message]) -> list[type[Message]]:
    return [
        value
        for value in vars(messages).values()
        if inspect.isclass(value) and issubclass(value, kind) and value is not messages.Fact
        and value.__module__ == messages.__name__
    ]  # fmt: skip


def test_screens_and_widgets_talk_in_messages() -> None:
    found = []
    for path in _sources("screens") + _sources("widgets"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for pattern, why in FORBIDDEN.items():
                if re.search(pattern, line):
                    found.append(f"{path.relative_to(TUI)}:{number}: {why}: {line.strip()}")
    assert not found, "\n".join(found)


def test_only_the_app_looks_at_the_screen_stack_or_opens_the_store() -> None:
    for path in sorted(TUI.rglob("*.py")):
        if path.name == "app.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert "screen_stack" not in text, path.name
        assert "Store.open(" not in text, f"{path.name}: use Store.for_thread"


def test_facts_never_bubble_back_up() -> None:
    # Textual sets `bubble` anew for every subclass (True unless the class says otherwise): a
    # fact that bubbled would come back to the app that posted it
    facts = _defined(messages.Fact)
    assert len(facts) >= 5
    assert [fact.__name__ for fact in facts if fact.bubble] == []


def test_every_intent_is_handled_by_the_app() -> None:
    intents = [m for m in _defined(Message) if not issubclass(m, messages.Fact)]
    assert len(intents) >= 4
    decorated = set(InboxApp._decorated_handlers)
    unhandled = [
        intent.__name__
        for intent in intents
        if intent not in decorated and not hasattr(InboxApp, intent.handler_name)
    ]
    assert unhandled == []


def test_every_fact_is_handled_by_a_screen_or_widget() -> None:
    texts = [path.read_text(encoding="utf-8") for path in _sources("screens") + _sources("widgets")]
    unheard = [
        fact.__name__
        for fact in _defined(messages.Fact)
        if not any(f"@on({fact.__name__})" in text for text in texts)
    ]
    assert unheard == []


def test_a_worker_gets_its_own_connection_to_a_file_and_the_same_store_in_memory(
    tmp_path: Path,
) -> None:
    on_disk = Store.open(tmp_path / "inbox.db")
    with on_disk.for_thread() as store:
        assert store is not on_disk and store.path == on_disk.path
        store.conn.execute("INSERT INTO store_info (key, value) VALUES ('worker', 'wrote')")
    assert store.conn is not on_disk.conn
    row = on_disk.conn.execute("SELECT value FROM store_info WHERE key = 'worker'").fetchone()
    assert tuple(row) == ("wrote",)  # committed through its own connection, seen by the UI's
    on_disk.close()
    memory = Store.open(":memory:")
    with memory.for_thread() as store:
        assert store is memory  # the only connection there is
    assert tuple(memory.conn.execute("SELECT 1").fetchone()) == (1,)  # still open
