"""When a rule may not answer by itself (RFC 3834): pure, from the message's stored headers.

Never to automatic mail (`Auto-Submitted` other than `no`), bulk or list mail (`Precedence:
bulk/list/junk`, `List-Id`), senders that cannot read a reply (noreply, mailer-daemon,
postmaster), or the seller's own addresses. Every automatic reply says `Auto-Submitted:
auto-replied` itself, so a responder that follows RFC 3834 never answers it: two cannot loop.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

AUTO_SUBMITTED = "auto-replied"
"""The value of our own automatic replies' `Auto-Submitted` header."""

_NO_REPLY = re.compile(
    r"^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|mailer[-_.]?daemon|postmaster"
    r"|bounces?|listserv|majordomo|auto[-_.]?(?:reply|responder))(?:[-+._].*)?$",
    re.IGNORECASE,
)


_LIST_HEADERS = ("list-id", "list-unsubscribe", "list-post")


def why_not_answer(headers: Mapping[str, str], sender: str, seller: frozenset[str]) -> str | None:
    """Why an automatic reply to this message must not go (one phrase), or None when it may.
    `headers`: the message's selected headers, lower-case names (mail/parse.py)."""
    auto = headers.get("auto-submitted", "").strip().lower()
    if auto and auto.split(";")[0].strip() != "no":
        return f"the message is automatic (Auto-Submitted: {auto[:40]})"
    precedence = headers.get("precedence", "").strip().lower()
    if precedence in ("bulk", "list", "junk"):
        return f"the message is bulk mail (Precedence: {precedence})"
    listed = next((name for name in _LIST_HEADERS if headers.get(name)), None)
    if listed:
        return f"the message came from a mailing list ({listed.title()})"
    address = sender.strip().lower()
    if not address:
        return "the message has no sender to answer"
    if address in seller:
        return "the message is from your own address"
    if _NO_REPLY.match(address.partition("@")[0]):
        return f"{address} does not read replies"
    if headers.get("return-path", "x").strip() in ("<>", ""):  # the null sender: a bounce
        return "the message is a bounce (empty Return-Path)"
    return None
