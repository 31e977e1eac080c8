"""`inbox-tui export`: tickets as JSON Lines (with messages) or CSV (one row per ticket).

The formats are a contract for scripts: fields are only ever added, never renamed or removed.
docs/export.md describes them.
"""

from __future__ import annotations

import csv
import json
from typing import IO

from inbox_tui.store.db import Store
from inbox_tui.store.exports import iter_ticket_records

CSV_COLUMNS = (
    "id",
    "channel",
    "status",
    "subject",
    "customer_name",
    "customer_email",
    "tags",
    "order_number",
    "priority",
    "flagged",
    "message_count",
    "unread_count",
    "created_at",
    "last_message_at",
)


def export_jsonl(store: Store, out: IO[str]) -> int:
    count = 0
    for record in iter_ticket_records(store):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def export_csv(store: Store, out: IO[str]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for record in iter_ticket_records(store, with_messages=False):
        row = {
            **record,
            "customer_name": record["customer"]["name"],
            "customer_email": record["customer"]["email"],
            "tags": ";".join(record["tags"]),
            "flagged": int(record["flagged"]),
            "order_number": record["order_number"] or "",
        }
        writer.writerow([row[column] for column in CSV_COLUMNS])
        count += 1
    return count


FORMATS = {"jsonl": export_jsonl, "csv": export_csv}
