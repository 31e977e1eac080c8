"""Running the rules over the store: on the customer's messages that arrived since the rules
last looked (every sync and import), on the tickets that have waited too long (every sync), and
over the stored tickets on request (`inbox-tui rules test` / `rules apply`).

Each chunk of messages is one transaction: the rules' actions, their rule_firings rows and the
point the rules have reached (store_info 'rules_after') commit together, so a process killed in
the middle repeats nothing and loses nothing. A rule that fails on a ticket is undone alone
(a savepoint), reported and recorded; it never stops a sync.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from inbox_tui.config.rules import RuleConfig
from inbox_tui.rules.conditions import cheap_holds
from inbox_tui.rules.safety import why_not_answer
from inbox_tui.search import Query, parse_query
from inbox_tui.sla import SlaPolicy, parse_duration
from inbox_tui.store import actions
from inbox_tui.store import rules as stored
from inbox_tui.store.db import Store
from inbox_tui.store.rules import TicketFacts

TOPIC_TEXT = 1500
"""Characters of each customer message a topic condition reads: the question comes first."""

CHUNK = 500
"""Customer messages per transaction: big enough that a 10k import costs few commits, small
enough that the TUI's reads are never held up for long."""


@dataclass(frozen=True, slots=True)
class Firing:
    """A rule that acted (or would have, in a dry run) on one ticket."""

    rule: str
    ticket_id: int
    message_id: int
    outcome: str  # "tag returns; priority 2", "reply queued #4", "reply held: …"
    failed: bool = False


@dataclass
class RulesReport:
    """What the rules did in one run."""

    looked_at: int = 0  # tickets the rules were checked on
    firings: list[Firing] = field(default_factory=list)

    @property
    def failures(self) -> list[Firing]:
        return [firing for firing in self.firings if firing.failed]

    def summary(self) -> str:
        acted = len({f.ticket_id for f in self.firings if not f.failed})
        text = f"rules: {len(self.firings) - len(self.failures)} actions on {acted} tickets"
        return text + (f", {len(self.failures)} failed" if self.failures else "")

    def add(self, other: RulesReport) -> None:
        self.looked_at += other.looked_at
        self.firings += other.firings


class _Rule:
    """A rule from the config, with its search parsed and its durations read once."""

    def __init__(self, config: RuleConfig) -> None:
        self.config = config
        self.name = config.name
        when = config.when
        # a trailing space: a rule's last word is a whole word, not a prefix being typed
        self.query: Query | None = parse_query(when.search + " ") if when.search else None
        self.snooze = parse_duration(config.then.snooze) if config.then.snooze else None


class Rules:
    """The configured rules and what one run of them has learnt (each ticket's topic)."""

    def __init__(
        self, config: Any, *, templates: Sequence[Any] | None = None, timed_only: bool = False
    ) -> None:
        self.config = config
        rules = [rule for rule in config.rules if rule.enabled]
        if timed_only:
            rules = [rule for rule in rules if rule.when.timed]
        self.rules = [_Rule(rule) for rule in rules]
        self.hours = SlaPolicy.from_config(config).business_hours
        self.seller = frozenset(email.lower() for email in config.seller.emails)
        self.window = parse_duration(config.auto_reply.customer_window)
        self.max_age = parse_duration(config.auto_reply.max_age)
        self.max_rule_age = parse_duration(config.rules_max_age)
        self._templates = list(templates) if templates is not None else None
        self._suggester: Any = None
        self._topics: dict[int, tuple[Any, float] | None] = {}  # per ticket, for this run
        self._orders: dict[int, str | None] = {}
        self._answers: dict[str, set[str]] | None = None
        self._asks: dict[int, tuple[list[Any], Any]] = {}  # per ticket: what the customer asked

    @property
    def templates(self) -> list[Any]:
        if self._templates is None:
            self._templates = _library(self.config.templates)
        return self._templates

    # --- conditions ---------------------------------------------------------------------------

    def _load_orders(self, store: Store, ticket_ids: list[int]) -> None:
        """The order states of these tickets, one query for all that are not known yet."""
        missing = [i for i in ticket_ids if i not in self._orders]
        if not missing:
            return
        from inbox_tui.suggest import order_state

        states = stored.order_states(store, missing)
        for ticket_id in missing:
            known = states.get(ticket_id)
            self._orders[ticket_id] = (
                order_state(known[0], shipped=known[1]) if known is not None else None
            )

    def _has_topic(
        self, store: Store, candidates: list[TicketFacts], wanted: str, least: float
    ) -> list[TicketFacts]:
        """The candidates whose conversation the suggester reads as `wanted`: what each
        customer asked in the message the rule acts on (and their others since the seller
        last wrote, the first TOPIC_TEXT characters of each). The suggester (1-2 ms) runs
        once per ticket per run, and only where the topic's words in the text could make it
        the topic (`Suggester.could_be`); the texts come in one query for a batch."""
        from inbox_tui.suggest import Said, suggester_for

        suggester = suggester_for(self.templates)
        unread = [f for f in candidates if f.ticket_id not in self._asks]
        if unread:
            asks = stored.customer_asks(store, [f.message_id for f in unread], length=TOPIC_TEXT)
            for facts in unread:
                thread = [Said(text, subject) for subject, text in asks.get(facts.message_id, [])]
                self._asks[facts.ticket_id] = (thread, suggester.words_in(thread))
        keys = self._keys_for(wanted)
        found = []
        for facts in candidates:
            thread, words = self._asks[facts.ticket_id]
            if facts.ticket_id not in self._topics:
                if not thread or not suggester.could_be(words, keys, channel=facts.channel):
                    continue  # not this topic, whatever else it is
                self._load_orders(store, [f.ticket_id for f in candidates])
                self._topics[facts.ticket_id] = suggester.topic(
                    thread, channel=facts.channel, order=self._orders.get(facts.ticket_id)
                )
            if self._topic_matches(wanted, self._topics[facts.ticket_id], least):
                found.append(facts)
        return found

    def _keys_for(self, wanted: str) -> frozenset[str]:
        """The template keys a topic condition names (a topic's versions, by key or name)."""
        self._topic_matches(wanted, None, 0.0)  # builds the answers
        assert self._answers is not None
        return frozenset(k for k, names in self._answers.items() if wanted.casefold() in names)

    def _topic_matches(self, wanted: str, found: tuple[Any, float] | None, least: float) -> bool:
        if self._answers is None:  # template key -> what a topic condition may call it
            from inbox_tui.suggest import topic_of

            keys = {t.key for t in self.templates}
            by_key = {t.key: t for t in self.templates}
            self._answers = {}
            for t in self.templates:
                base = by_key[topic_of(t, keys)]
                self._answers[t.key] = {n.casefold() for n in (t.key, base.key, base.name)}
        if found is None or found[1] < least:
            return False
        return wanted.casefold() in self._answers.get(found[0].key, set())

    def _matching(
        self,
        store: Store,
        rule: _Rule,
        candidates: list[TicketFacts],
        now: datetime,
        since: int | None,
    ) -> list[TicketFacts]:
        """The candidates the rule's conditions hold for, cheapest checks first. `since`
        None: a replay, where what came before a ticket's own newest message is old."""
        when = rule.config.when
        found = [
            f
            for f in candidates
            if cheap_holds(
                when,
                f,
                now=now,
                since=f.message_id - 1 if since is None else since,
                hours=self.hours,
            )
        ]
        if found and rule.query is not None:
            matched = stored.matching(store, rule.query, [f.ticket_id for f in found], now)
            found = [f for f in found if f.ticket_id in matched]
        if found and when.order is not None:
            self._load_orders(store, [f.ticket_id for f in found])
            found = [f for f in found if self._orders[f.ticket_id] == when.order]
        if found and when.topic is not None:
            found = self._has_topic(store, found, when.topic, when.confidence)
        return found

    # --- a run --------------------------------------------------------------------------------

    def evaluate(
        self,
        store: Store,
        message_ids: Sequence[int],
        *,
        now: datetime,
        since: int | None,
        apply: bool,
    ) -> RulesReport:
        """Run the rules, in order, on each message's ticket (the caller's transaction when
        `apply`; nothing written otherwise). `since`: the last message id from before this
        run; None: each message is its own run (a replay: new means the ticket's first)."""
        report = RulesReport()
        everything = stored.facts(store, message_ids)
        live = list(everything.values())
        if since is not None:  # mail that arrives: history (older than rules_max_age) is not
            live = [f for f in live if now - f.received <= self.max_rule_age]
        report.looked_at = len(live)
        fired = stored.firings(store, [f.ticket_id for f in live])
        for rule in self.rules:
            if not live:
                break
            done = {f.ticket_id for f in live if self._fired(fired, rule, f)}
            fresh = [f for f in live if f.ticket_id not in done]
            matched = self._matching(store, rule, fresh, now, since)
            for facts in matched:
                firing = (
                    self._act(store, rule, facts, now)
                    if apply
                    else self._plan(store, rule, facts, now)
                )
                report.firings.append(firing)
            if rule.config.stop:
                stopped = done | {f.ticket_id for f in matched}
                live = [f for f in live if f.ticket_id not in stopped]
        return report

    @staticmethod
    def _fired(fired: set[tuple[str, int, int]], rule: _Rule, facts: TicketFacts) -> bool:
        if rule.config.once == "ticket":
            return (rule.name, facts.ticket_id, 0) in fired
        return (rule.name, facts.ticket_id, facts.message_id) in fired

    # --- actions ------------------------------------------------------------------------------

    def _plan(self, store: Store, rule: _Rule, facts: TicketFacts, now: datetime) -> Firing:
        """What the rule would do (a dry run): its actions, and whether a reply would go."""
        parts = _describe(rule)
        then = rule.config.then
        if then.reply is not None:
            why = self._reply_refusal(facts, now, store)
            parts.append(f"reply {then.reply}" + (f" held: {why}" if why else ""))
        return Firing(rule.name, facts.ticket_id, facts.message_id, "; ".join(parts))

    def _act(self, store: Store, rule: _Rule, facts: TicketFacts, now: datetime) -> Firing:
        """Do the rule's actions on one ticket in a savepoint: all of them, or none and a
        failure reported."""
        conn = store.conn

        def record(
            batch_id: str | None,
            outcome: str,
            replied_to: str | None = None,
            outbox_id: int | None = None,
        ) -> None:
            stored.record_firing(
                store,
                rule=rule.name,
                ticket_id=facts.ticket_id,
                message_id=facts.message_id,
                at=now,
                batch_id=batch_id,
                outcome=outcome,
                replied_to=replied_to,
                outbox_id=outbox_id,
            )

        conn.execute("SAVEPOINT rule_action")
        try:
            batch = uuid.uuid4().hex
            outcome, replied_to, outbox_id = self._do(store, rule, facts, now, batch)
            record(batch, outcome, replied_to, outbox_id)
        except Exception as error:  # a bad template, a refused reply: this rule, this ticket
            conn.execute("ROLLBACK TO rule_action")
            conn.execute("RELEASE rule_action")
            why = " ".join(f"{type(error).__name__}: {error}".split())[:200]
            outcome = f"failed: {why}"
            record(None, outcome)
            return Firing(rule.name, facts.ticket_id, facts.message_id, outcome, failed=True)
        conn.execute("RELEASE rule_action")
        return Firing(rule.name, facts.ticket_id, facts.message_id, outcome)

    def _do(
        self, store: Store, rule: _Rule, facts: TicketFacts, now: datetime, batch: str
    ) -> tuple[str, str | None, int | None]:
        then, ids = rule.config.then, [facts.ticket_id]
        by: dict[str, Any] = {"actor": "rule", "rule": rule.name, "batch": batch, "at": now}
        for tag in then.tag:
            actions.add_tag(store, ids, tag, **by)
        for tag in then.untag:
            actions.remove_tag(store, ids, tag, **by)
        if then.priority is not None:
            actions.set_priority(store, ids, then.priority, **by)
        if then.flag is not None:
            actions.set_flag(store, ids, then.flag, **by)
        if then.status is not None:
            actions.set_status(store, ids, then.status, **by)
        if rule.snooze is not None:
            actions.snooze(store, ids, now + rule.snooze, **by)
        parts = _describe(rule)
        replied_to = outbox_id = None
        if then.reply is not None:
            said, replied_to, outbox_id = self._reply(store, rule, facts, now, by)
            parts.append(said)
        return "; ".join(parts), replied_to, outbox_id

    def _reply_refusal(self, facts: TicketFacts, now: datetime, store: Store | None) -> str | None:
        why = why_not_answer(facts.headers, facts.sender, self.seller)
        if why is None and now - facts.received > self.max_age:
            why = f"the message is older than auto_reply.max_age ({self.config.auto_reply.max_age})"
        if why is None and store is not None:
            why = stored.auto_replied(store, facts.ticket_id, facts.sender, now - self.window)
        return why

    def _reply(
        self, store: Store, rule: _Rule, facts: TicketFacts, now: datetime, by: dict[str, Any]
    ) -> tuple[str, str | None, int | None]:
        """Queue the template's reply (RFC 3834 permitting); a missing value makes it a draft
        and flags the ticket."""
        from inbox_tui.outbox.queue import queue_reply
        from inbox_tui.replies import context_for
        from inbox_tui.store.drafts import get_draft, save_draft
        from inbox_tui.templates import render

        key = rule.config.then.reply
        why = self._reply_refusal(facts, now, store)
        if why is not None:
            return f"reply {key} held: {why}", None, None
        template = next((t for t in self.templates if t.key == key), None)
        if template is None:
            raise ValueError(f"no template with key {key!r}")
        rendered = render(template, context_for(store, self.config, facts.ticket_id, now=now))
        if rendered.missing:
            if get_draft(store, facts.ticket_id) is None:  # never over the seller's own draft
                save_draft(
                    store, facts.ticket_id, rendered.body, subject=rendered.subject,
                    template_key=key, at=now,
                )  # fmt: skip
            actions.set_flag(store, [facts.ticket_id], True, **by)
            missing = rendered.missing[0].name
            return f"reply {key} kept as a draft: no value for {missing}; flagged", None, None
        outbox_id = queue_reply(
            store,
            self.config,
            facts.ticket_id,
            body=rendered.body,
            subject=rendered.subject,
            template_key=key,
            at=now,
            auto_submitted=True,
        )
        return f"reply {key} queued #{outbox_id}", facts.sender, outbox_id


_LIBRARIES: dict[tuple[str, tuple[int, ...]], list[Any]] = {}


def _library(extra: Any) -> list[Any]:
    """The template library, read again only when the seller's files change: the TUI runs
    the rules at every sync round."""
    from pathlib import Path

    from inbox_tui.templates import load_library

    stamps: tuple[int, ...] = ()
    if extra is not None:
        path = Path(extra)
        files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        stamps = tuple(f.stat().st_mtime_ns for f in files if f.exists())
    key = (str(extra), stamps)
    if key not in _LIBRARIES:
        _LIBRARIES.clear()
        _LIBRARIES[key] = load_library(extra)
    return _LIBRARIES[key]


def _describe(rule: _Rule) -> list[str]:
    then = rule.config.then
    parts = [f"tag {tag}" for tag in then.tag] + [f"untag {tag}" for tag in then.untag]
    if then.priority is not None:
        parts.append(f"priority {then.priority}")
    if then.flag is not None:
        parts.append("flag" if then.flag else "unflag")
    if then.status is not None:
        parts.append(f"status {then.status}")
    if then.snooze is not None:
        parts.append(f"snooze {then.snooze}")
    return parts


# --- the runs ------------------------------------------------------------------------------------


def _in_chunks(
    store: Store, rules: Rules, pick: Callable[[int], list[tuple[int, int]]], now: datetime
) -> RulesReport:
    """Arrivals: chunk by chunk, each in one transaction with the point reached."""
    report = RulesReport()
    since = stored.rules_after(store)
    position = since
    while True:
        with store.transaction():
            # another process (the TUI and `inbox-tui sync` at once) may have gone further
            position = max(position, stored.rules_after(store))
            batch = pick(position)
            if not batch:
                stored.set_rules_after(store, max(position, stored.newest_message(store)))
                return report
            newest: dict[int, int] = {}
            for message_id, ticket_id in batch:
                newest[ticket_id] = message_id  # the ticket's newest customer message
            report.add(
                rules.evaluate(store, sorted(newest.values()), now=now, since=since, apply=True)
            )
            position = batch[-1][0]
            stored.set_rules_after(store, position)


def run_arrivals(store: Store, config: Any, *, now: datetime, **options: Any) -> RulesReport:
    """The rules on every customer message stored since they last looked; then the point
    moves past every message. With no rules it only moves the point."""
    rules = Rules(config, **options)
    if not rules.rules:
        with store.transaction():
            stored.set_rules_after(store, stored.newest_message(store))
        return RulesReport()
    since = now - rules.max_rule_age  # older mail is history (rules_max_age)
    return _in_chunks(
        store, rules, lambda after: stored.arrived(store, after, CHUNK, written_since=since), now
    )


def run_timed(store: Store, config: Any, *, now: datetime, **options: Any) -> RulesReport:
    """The rules with a time condition (`no_reply_for`, `due_within`) on the open tickets
    whose customer waits: each acts once per customer message."""
    rules = Rules(config, timed_only=True, **options)
    if not rules.rules:
        return RulesReport()
    waits = [
        parse_duration(r.config.when.no_reply_for)
        for r in rules.rules
        if r.config.when.no_reply_for
    ]
    dues = [
        parse_duration(r.config.when.due_within) for r in rules.rules if r.config.when.due_within
    ]
    answered_before = now - min(waits) if waits else datetime.min.replace(tzinfo=now.tzinfo)
    due_by = now + max(dues) if dues else None
    report = RulesReport()
    pairs = stored.waiting(
        store, answered_before, due_by, since=now - parse_duration(config.rules_max_age)
    )
    for start in range(0, len(pairs), CHUNK):
        chunk = [message_id for message_id, _ in pairs[start : start + CHUNK]]
        with store.transaction():
            report.add(
                rules.evaluate(store, chunk, now=now, since=stored.rules_after(store), apply=True)
            )
    return report


def run(store: Store, config: Any, *, now: datetime, **options: Any) -> RulesReport:
    """What every sync and import runs: the arrivals, then the timed rules."""
    report = run_arrivals(store, config, now=now, **options)
    report.add(run_timed(store, config, now=now, **options))
    return report


def replay(
    store: Store, config: Any, *, now: datetime, days: int, apply: bool, **options: Any
) -> RulesReport:
    """The rules over the tickets the customer wrote in during the last `days` days, each at
    its newest customer message: what `rules test` prints (apply=False: nothing written) and
    `rules apply` does. A rule that acted on that message already does not act again."""
    rules = Rules(config, **options)
    report = RulesReport()
    pairs = stored.recent(store, now - timedelta(days=days))
    for start in range(0, len(pairs), CHUNK):
        chunk = [message_id for message_id, _ in pairs[start : start + CHUNK]]
        if apply:
            with store.transaction():
                report.add(rules.evaluate(store, chunk, now=now, since=None, apply=True))
        else:
            report.add(rules.evaluate(store, chunk, now=now, since=None, apply=False))
    return report
