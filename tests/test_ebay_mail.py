"""eBay messages as mail: whatever the API sends, the parsed message says the same, safely."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from inbox_tui.channels.ebay.mail import (
    conversation_ref,
    member_address,
    message_to_mail,
    username_of,
)
from inbox_tui.mail.parse import parse_message
from inbox_tui.mail.threading import thread_hints
from inbox_tui.sanitize import clean_body, clean_line

SELLER = "anatolia_textiles"

names = st.text(min_size=1, max_size=40).filter(lambda s: clean_line(s) != "")
bodies = st.text(max_size=400)
ids = st.text(alphabet="0123456789abcdefXYZ-_.:/", min_size=1, max_size=30)


@settings(max_examples=200, deadline=None)
@given(sender=names, body=bodies, title=st.text(max_size=80), message_id=ids, conversation_id=ids)
def test_any_message_parses_back_to_what_it_said(
    sender: str, body: str, title: str, message_id: str, conversation_id: str
) -> None:
    raw = message_to_mail(
        {
            "messageId": message_id,
            "messageBody": body,
            "senderUsername": sender,
            "recipientUsername": SELLER,
            "createdDate": "2026-11-01T09:00:00.000Z",
        },
        {"conversationId": conversation_id, "conversationTitle": title},
    )
    parsed = parse_message(raw)
    assert parsed.parse_error is None
    assert parsed.text == clean_body(body)
    assert parsed.from_ is not None and parsed.from_.name == clean_line(sender)
    assert parsed.from_.addr == member_address(clean_line(sender))
    assert parsed.subject == (clean_line(title)[:300] or "eBay message")
    assert conversation_ref(conversation_id).strip("<>") in parsed.references
    hints = thread_hints(parsed, raw, frozenset({member_address(SELLER)}))
    assert (hints.channel, hints.direction) == ("ebay", "in")


@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40))
def test_member_addresses_are_reversible_and_distinct(name: str, other: str) -> None:
    address = member_address(name)
    assert address.endswith("@members.ebay.invalid") and address.isascii()
    assert address == address.lower()  # as the parser stores it
    assert username_of(address) == name.lower()
    if name.lower() != other.lower():
        assert member_address(other) != address


def test_media_are_listed_as_links_and_only_web_links() -> None:
    raw = message_to_mail(
        {
            "messageId": "1",
            "messageBody": "photo attached",
            "senderUsername": "jane_buyer",
            "messageMedia": [
                {
                    "mediaName": "stain.jpg",
                    "mediaType": "IMAGE",
                    "mediaUrl": "https://i.ebayimg.com/1.jpg",
                },
                {"mediaName": "evil", "mediaUrl": "javascript:alert(1)"},
            ],
        },
        {"conversationId": "c1"},
    )
    text = parse_message(raw).text
    assert text == "photo attached\n\nAttachments:\n- stain.jpg: https://i.ebayimg.com/1.jpg"


def test_ebays_own_html_notices_become_text() -> None:
    raw = message_to_mail(
        {
            "messageId": "2",
            "messageBody": "<div><p>Your item <b>sold</b>.</p><script>x()</script></div>",
            "senderUsername": "eBay",
        },
        {"conversationId": "c2", "conversationTitle": "Item sold"},
    )
    assert parse_message(raw).text.strip() == "Your item sold."
