"""Taking the stats out: `inbox-tui stats --format json|csv` and `inbox-tui report -o FILE`,
run as a seller runs them, on the known-trends history built up to the real now."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest

from inbox_tui.stats import build_report
from inbox_tui.stats.html import render_html
from inbox_tui.store.actions import add_tag
from tests.test_cli import assert_one_line_error, run
from tests.trend_history import build_history

ROOT = Path(__file__).resolve().parent.parent
SPIKE = "Damaged item for Linen towel set: 6 this week, usually none"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("history")
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    store = build_history(folder, now=now)
    # a tag is data: it must reach a page as text, never as markup
    newest = store.conn.execute("SELECT max(id) FROM tickets").fetchone()[0]
    add_tag(store, [newest], "<script>alert(1)</script>")
    store.close()
    return folder / "inbox.db"


def test_json_holds_every_number_and_says_what_is_unusual(db: Path) -> None:
    result = run("--db", str(db), "stats", "--format", "json", "--days", "30")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["period"]["days"] == 30 and len(data["period"]["dates"]) == 31
    assert sum(data["daily"]["all"]) == data["tickets"]["now"]
    [flag] = data["unusual"]
    assert flag["explanation"] == SPIKE and len(flag["tickets"]) == 6
    assert flag["search"] == 'product:LTS-1 topic:"Damaged item" after:7d'
    towels = next(p for p in data["products"] if p["key"] == "LTS-1")
    assert (towels["tickets"], towels["orders"], towels["tickets_per_100_orders"]) == (6, 4, 150)
    assert data["first_response"]["all"]["median_hours"] == 2.0


def test_every_json_field_is_documented(db: Path) -> None:
    data = json.loads(run("--db", str(db), "stats", "--format", "json").stdout)
    docs = (ROOT / "docs" / "stats.md").read_text(encoding="utf-8")

    def keys(value: object) -> set[str]:
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    missing = sorted(k for k in keys(data) if f"`{k}`" not in docs)
    assert not missing, f"docs/stats.md does not describe {missing}"


def test_csv_is_one_row_per_series_and_day(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "stats.csv"
    result = run("--db", str(db), "stats", "--format", "csv", "--days", "7", "-o", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == ["series", "name", "date", "value"]
    tickets = [r for r in rows if r["series"] == "tickets"]
    channels = [r for r in rows if r["series"] == "channel"]
    assert len(tickets) == 8  # 7 days and today's part
    assert sum(int(r["value"]) for r in tickets) == sum(int(r["value"]) for r in channels)
    towels = [int(r["value"]) for r in rows if r["series"] == "product" and r["name"] == "LTS-1"]
    assert sum(towels) == 6
    assert {r["series"] for r in rows} >= {"open", "overdue", "topic", "tag", "week_median_hours"}


def test_the_html_report_stands_alone_and_is_well_formed(db: Path, tmp_path: Path) -> None:
    page = tmp_path / "week.html"
    result = run("--db", str(db), "report", "-o", str(page))
    assert result.returncode == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    root = ET.fromstring(html.split("\n", 1)[1])  # well-formed XML: every tag closed, escaped
    assert root.tag == "html" and root.find("head/meta[@charset='utf-8']") is not None
    charts = root.findall(".//svg")
    assert len(charts) >= 3 + 3  # per day, per week, backlog; and a small line per row
    assert all(chart.find("title") is not None and chart.get("viewBox") for chart in charts)
    # nothing from elsewhere: no script, no link, no external image, font or style
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\(|src=|href=|https?:", html)
    assert SPIKE in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the hostile tag, as text
    assert not list(tmp_path.glob("*.partial"))


def test_a_report_that_cannot_be_written_is_a_one_line_error(db: Path, tmp_path: Path) -> None:
    result = run("--db", str(db), "report", "-o", str(tmp_path / "missing" / "week.html"))
    assert_one_line_error(result, "cannot write", "week.html")


def test_the_page_of_an_empty_store(tmp_path: Path) -> None:
    from inbox_tui.store import Store

    store = Store.open(tmp_path / "empty.db")
    now = datetime(2026, 11, 20, tzinfo=UTC)
    html = render_html(build_report(store, now=now, days=7), generated=now)
    ET.fromstring(html.split("\n", 1)[1])
    assert "Nothing: every channel" in html
