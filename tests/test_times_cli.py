"""The command line says times in the seller's zone, with its name: `send`'s retry times (they
were the machine's local time, unlabelled)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.test_cli import run
from tests.test_reply_cli import (  # noqa: F401  (demo_db, shop: fixtures)
    ENV,
    demo_db,
    query,
    shop,
    ticket_with_tracking,
)

pytest_plugins = ["tests.smtp_sink"]  # the real SMTP server

ISTANBUL = ZoneInfo("Europe/Istanbul")  # +03 all year: "+03" is what its clocks are called


def in_istanbul(config: Path) -> Path:
    text = config.read_text().replace(
        "  name: Anatolia Textiles\n", "  name: Anatolia Textiles\n  timezone: Europe/Istanbul\n"
    )
    config.write_text(text)
    return config


def test_send_says_when_it_tries_again_in_the_sellers_zone(shop, smtp_sink) -> None:  # noqa: F811
    config = in_istanbul(shop)
    ticket, _, _ = ticket_with_tracking(config)
    assert (
        run(
            "--config", str(config), "reply", str(ticket), "--template", "thanks", env=ENV
        ).returncode
        == 0
    )
    smtp_sink.mode = "451-then-250"  # "try again later": the reply waits
    result = run("--config", str(config), "send", env=ENV)
    assert result.returncode == 0, result
    [(stored,)] = query(config, "SELECT next_attempt_at FROM outbox WHERE id = 1")
    when = datetime.fromisoformat(stored.replace("Z", "+00:00")).astimezone(ISTANBUL)
    clock = f"{when:%H:%M} +03"
    assert f"waiting (retry at {clock})" in result.stdout, result.stdout
    assert f"waiting 1 (retry at {clock}: the message refused: 451" in result.stdout
    later = run("--config", str(config), "send", env=ENV)
    assert later.stdout.strip() == f"nothing due now: 1 waiting, next try at {clock}"
    assert not re.search(r"at \d\d:\d\d(?! \+03)", result.stdout + later.stdout)
