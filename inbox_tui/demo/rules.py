"""The rules the demo inbox runs on its mail: the ones config.example.yaml ships, but the
acknowledgement (the demo sends nothing). Their changes show in the threads ("tagged return by
rule returns") and `rule:returns` finds them."""

from __future__ import annotations

from datetime import datetime

from inbox_tui.config import Config, parse_config
from inbox_tui.demo.words import SELLER_EMAIL
from inbox_tui.rules.engine import RulesReport, run
from inbox_tui.store.db import Store

DEMO_RULES = f"""\
seller:
  emails: [{SELLER_EMAIL}]
rules:
  - name: returns
    when: {{topic: return-label, new: true}}
    then: {{tag: return}}
  - name: cancellations
    when: {{topic: cancel, new: true}}
    then: {{tag: cancellation}}
  - name: where-is-my-order
    when: {{topic: wismo, new: true}}
    then: {{tag: shipping}}
  - name: amazon-deadline
    when: {{search: "channel:amazon", no_reply_for: 20h}}
    then: {{priority: 3, flag: true}}
  - name: walmart-deadline
    when: {{search: "channel:walmart", no_reply_for: 40h}}
    then: {{priority: 3, flag: true}}
"""


def demo_config() -> Config:
    return parse_config(DEMO_RULES, "demo rules")


def run_demo_rules(store: Store, now: datetime) -> RulesReport:
    """The demo's rules over all its mail, as a first sync with them would run."""
    return run(store, demo_config(), now=now)
