"""docs/rules.md, generated from the rule models: `python -m inbox_tui.rules.reference`."""

from __future__ import annotations

import inspect

from pydantic import BaseModel

from inbox_tui.config import AutoReplyConfig, RuleActions, RuleCondition, RuleConfig
from inbox_tui.config_reference import _default_label, _type_label

_INTRO = """\
# Rules

Rules make the inbox sort, escalate and acknowledge by itself. Each rule under `rules:` in the
config has a name, a condition (`when`) and actions (`then`); rules run in order, and a rule
with `stop: true` that acts keeps the rules after it from acting on that ticket.

```yaml
rules:
  - name: returns
    when: {topic: return-label, new: true}
    then: {tag: returns}
  - name: amazon-deadline                  # Amazon: 24 h, weekends included
    when: {search: "channel:amazon", no_reply_for: 20h}
    then: {priority: 3, flag: true}
  - name: out-of-hours
    when: {new: true, outside_business_hours: true, search: "channel:email"}
    then: {reply: ack}
    once: ticket
```

`config.example.yaml` ships these and a few more (cancellations, where-is-my-order, Walmart's
48 h); the demo inbox runs them on its mail.

## What runs when

- **When mail arrives**: after every `inbox-tui sync`, `inbox-tui import`, and every round of
  the TUI's background sync (which IMAP IDLE starts within seconds of new mail), the rules run
  on each customer message stored since they last looked (`store_info.rules_after`), once per
  ticket at its newest new message. A store that had mail before it had rules starts past
  that mail, and mail written before `rules_max_age` (7 days unless set) is history: a first
  sync or an import of years of mail stores it without rules (no tags, escalations or
  acknowledgements for last year's tickets). Rules never act on old mail by themselves.
- **As time passes**: rules with `no_reply_for` or `due_within` also run at every one of those
  syncs over the open tickets whose customer waits (and wrote within `rules_max_age`), so "20 h without an answer" is caught
  within `sync.interval_minutes` of happening, mail or not.
- **On request**: `inbox-tui rules test [--days 30]` replays the rules over the tickets the
  customer wrote in during those days (whatever `rules_max_age` says), each at its newest
  customer message, and prints what
  each rule would do, per rule and per ticket; it opens the store read-only and changes
  nothing. `inbox-tui rules apply [--days 30]` does it. `inbox-tui rules check` validates the
  rules, with the file, line and key of every problem (exit 2).

A rule acts once per customer message (`once: message`), or once in a ticket's life
(`once: ticket`); `rule_firings` remembers it. The conditions are checked cheapest first: the
ticket's own facts, then the search (one query per rule for a whole batch of tickets), then the
order, and the suggester's topic last, only for tickets every other condition of the rule held
for. The topic is what the customer asked in the message the rule acts on (with their other
messages since you last wrote, the first 1,500 characters of each), as the composer's
suggestions would read it; the suggester runs at most once per ticket per run, and not at all
where the topic's words in the text could not make it the topic (on the labelled suggestion
set that rules out three topics in four without running it; a test checks it never rules out
the one the suggester names).

## Visible and undoable

Every change a rule makes is an event with actor `rule` and the rule's name (`events.rule`),
one batch per rule and ticket. The thread shows it ("tagged returns by rule returns"), `u` in a
ticket's own thread takes the newest change back, a rule's as a person's, and the search
`rule:returns` finds the tickets a rule acted on. `inbox-tui sync` and `import` print how many
actions the rules took.

## Safety

Automatic replies follow RFC 3834; none of this can be turned off:

- no reply to a message marked `Auto-Submitted` (anything but `no`), `Precedence: bulk`,
  `list` or `junk`, any `List-Id`, `List-Unsubscribe` or `List-Post` header, an empty
  `Return-Path` (a bounce), a sender like `noreply@`, `no-reply@`, `mailer-daemon@`,
  `postmaster@`, or one of your own addresses (`seller.emails`);
- every automatic reply carries `Auto-Submitted: auto-replied`, so another responder that
  follows the RFC (inbox-tui does) never answers it: two cannot loop;
- at most one automatic reply per ticket, and one per address within
  `auto_reply.customer_window` (7 days unless set), over all tickets;
- only to a message received within `auto_reply.max_age` (2 days): importing a mailbox never
  acknowledges last year's mail;
- the reply goes through the outbox like yours: committed first, sent once, threaded under the
  customer's message. A template value the ticket lacks never goes out as a hole: the reply
  becomes the ticket's draft (unless you have one) and the ticket is flagged.

A rule that fails (a template that does not render, a reply the channel refuses) is undone on
that ticket alone, recorded in `rule_firings` with why, and reported; the sync, the import and
the other rules go on.
"""


def _table(model: type[BaseModel], prefix: str) -> list[str]:
    lines = ["| key | type | default | description |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        description = (field.description or "").replace("|", "\\|")
        label, default = _type_label(field.annotation, field.metadata), _default_label(field)
        lines.append(f"| `{prefix}{field.alias or name}` | {label} | {default} | {description} |")
    return lines


def rules_reference() -> str:
    """docs/rules.md as Markdown."""
    lines = [
        "<!-- Generated from inbox_tui/config/rules.py and inbox_tui/rules/reference.py."
        " Do not edit: regenerate with `python -m inbox_tui.rules.reference > docs/rules.md` -->",
        "",
        _INTRO.rstrip("\n"),
    ]
    for title, model, prefix in (
        ("A rule", RuleConfig, "rules[]."),
        ("Conditions (`when`)", RuleCondition, "when."),
        ("Actions (`then`)", RuleActions, "then."),
        ("Automatic reply limits (`auto_reply`)", AutoReplyConfig, "auto_reply."),
    ):
        lines += ["", f"## {title}", "", inspect.cleandoc(model.__doc__ or ""), ""]
        lines += _table(model, prefix)
    return "\n".join(lines)


if __name__ == "__main__":
    print(rules_reference())
