"""The topic conditions' shortcut (`Suggester.could_be`, asked before the suggester runs)
never says "not this topic" where the suggester would name it: every case of the labelled
suggestion set, as the customer's messages a rule reads, against every topic."""

from __future__ import annotations

from inbox_tui.suggest import Said, order_state, suggester_for, topic_of
from inbox_tui.templates import shipped_templates
from tests.suggestion_set import load_cases


def test_could_be_never_rules_out_the_topic_the_suggester_names():
    library = shipped_templates()
    suggester = suggester_for(library)
    keys = {t.key for t in library}
    topics: dict[str, frozenset[str]] = {}
    for template in library:
        base = topic_of(template, keys)
        topics[base] = topics.get(base, frozenset()) | {template.key}
    checked = named = ruled_out = 0
    for case in load_cases():
        # the customer's messages since the seller last wrote: what a rule's topic reads
        run: list[Said] = []
        for message in case.thread:
            run = [] if message.direction == "out" else [*run, Said(message.text, message.subject)]
        if not run:
            continue
        order = order_state(case.order_status) if case.order_status else None
        found = suggester.topic(run, channel=case.channel, order=order)
        words = suggester.words_in(run)
        for versions in topics.values():
            could = suggester.could_be(words, versions, channel=case.channel)
            checked += 1
            if found is not None and found[0].key in versions:
                named += 1
                assert could, (case.id, sorted(versions))
            ruled_out += not could
    assert named > 100 and ruled_out > checked // 3, (checked, named, ruled_out)
