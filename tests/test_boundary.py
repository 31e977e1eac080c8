"""The boundary matcher must behave exactly like the regular expression it replaces."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from inbox_tui.mail.boundary import BoundaryMatcher, _FeedparserRe, boundary_pattern

boundary = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\r\n"), min_size=1, max_size=70
)
tails = st.lists(
    st.sampled_from(["--", "-", " ", "\t", "\r\n", "\r", "\n", "x", "=", "\\", "."]), max_size=6
).map("".join)


@given(boundary, tails, st.booleans())
def test_matcher_agrees_with_the_regex(value, tail, prefixed):
    separator = "--" + value
    line = (separator if prefixed else value) + tail
    expected = re.compile(boundary_pattern(separator)).match(line)
    got = _FeedparserRe.compile(boundary_pattern(separator)).match(line)
    assert isinstance(_FeedparserRe.compile(boundary_pattern(separator)), BoundaryMatcher)
    assert (got is None) == (expected is None)
    if expected:
        for group in (0, "end", "linesep", "ws", "sep"):
            assert got.group(group) == expected.group(group)


def test_other_patterns_go_to_the_real_re():
    assert _FeedparserRe.compile(r"\r\n|\r|\n").match("\r\n").group(0) == "\r\n"
    assert _FeedparserRe("re").escape("a.b") == re.escape("a.b")


def test_cpython_test_messages_parse_the_same_with_and_without_it(monkeypatch):
    import email
    import email.feedparser
    import email.policy
    from pathlib import Path

    import test  # CPython's own test package ships these messages

    data = Path(test.__file__).parent / "test_email" / "data"
    messages = sorted(data.glob("msg_*.txt"))
    assert len(messages) > 40

    def shape(raw: bytes) -> list[tuple]:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        return [
            (
                part.get_content_type(),
                part.get_payload(decode=True),
                part.preamble,
                part.epilogue,
                [type(d).__name__ for d in part.defects],
            )
            for part in msg.walk()
        ]

    import inbox_tui.mail.parse  # noqa: F401  (installs the matcher)

    assert email.feedparser.re is not re
    fast = [shape(path.read_bytes()) for path in messages]
    monkeypatch.setattr(email.feedparser, "re", re)
    assert [shape(path.read_bytes()) for path in messages] == fast
