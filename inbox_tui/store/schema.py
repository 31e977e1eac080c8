"""The SQLite schema, one migration per version. This file is the single source of the schema.

Migrations only move forward: version N is the list's N-th script; `PRAGMA user_version`
records how far a database has come. docs/schema.md describes every table for people who
open the file with sqlite-utils or Datasette; tests check the two agree.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

# In the SQLite header of every store (`PRAGMA application_id`): "INBX", this file is ours.
APPLICATION_ID = 0x494E4258

# True for a store built by a demo from before stores were marked (schema < 6): it has mail,
# and every message of it was imported from the demo's scratch Maildir.
BUILT_BY_DEMO = (
    "EXISTS (SELECT 1 FROM message_locations) AND NOT EXISTS (SELECT 1 FROM message_locations"
    " WHERE source NOT GLOB 'maildir:*/.inbox-tui-demo-*/Maildir')"
)

# Times are ISO-8601 UTC text ("2026-11-29T23:04:32Z"): sortable, readable in Datasette.
MIGRATIONS: list[str] = [
    # --- version 1 ------------------------------------------------------------------------
    """
    CREATE TABLE customers (
        id INTEGER PRIMARY KEY,
        email TEXT UNIQUE,              -- lower-case address; NULL for marketplace-only buyers
        name TEXT NOT NULL DEFAULT '',
        channel TEXT NOT NULL DEFAULT 'email',
        marketplace_user TEXT,          -- e.g. eBay username; UNIQUE with channel below
        created_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX customers_marketplace_user
        ON customers(channel, marketplace_user) WHERE marketplace_user IS NOT NULL;

    CREATE TABLE tickets (
        id INTEGER PRIMARY KEY,
        thread_key TEXT,                -- marketplace grouping key (Amazon order+buyer, eBay conversation); also in thread_refs as 'key:…'
        channel TEXT NOT NULL,          -- email | amazon | ebay | etsy | shopify | walmart
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','pending','snoozed','closed')),
        subject TEXT NOT NULL DEFAULT '',
        customer_id INTEGER REFERENCES customers(id),
        order_number TEXT,              -- marketplace order number seen in the thread, if any
        priority INTEGER NOT NULL DEFAULT 0,
        flagged INTEGER NOT NULL DEFAULT 0,
        snoozed_until TEXT,
        created_at TEXT NOT NULL,       -- first message
        last_message_at TEXT NOT NULL,  -- newest message, either direction
        last_inbound_at TEXT,           -- newest message from the customer
        last_outbound_at TEXT,          -- newest reply from the seller
        message_count INTEGER NOT NULL DEFAULT 0,
        unread_count INTEGER NOT NULL DEFAULT 0,
        snippet TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX tickets_by_time ON tickets(last_message_at DESC, id DESC);
    CREATE INDEX tickets_by_status_time ON tickets(status, last_message_at DESC, id DESC);
    CREATE INDEX tickets_by_channel_time ON tickets(channel, last_message_at DESC, id DESC);
    CREATE INDEX tickets_by_customer ON tickets(customer_id, last_message_at DESC);
    CREATE INDEX tickets_by_order ON tickets(order_number) WHERE order_number IS NOT NULL;
    CREATE INDEX tickets_snoozed ON tickets(snoozed_until) WHERE snoozed_until IS NOT NULL;

    CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        ticket_id INTEGER NOT NULL REFERENCES tickets(id),
        message_id TEXT NOT NULL,       -- Message-ID without <>, or a synthetic "sha256-…@inbox-tui.invalid"
        raw_sha256 TEXT NOT NULL UNIQUE,-- identity of the exact bytes: importing them twice adds nothing
        content_key TEXT NOT NULL,      -- Message-ID + sender + subject + body digest: copies of one message share it
        direction TEXT NOT NULL CHECK (direction IN ('in','out')),
        channel TEXT NOT NULL,
        from_name TEXT NOT NULL DEFAULT '',
        from_addr TEXT NOT NULL DEFAULT '',
        to_addrs TEXT NOT NULL DEFAULT '[]',   -- JSON [[name, address], …]
        cc_addrs TEXT NOT NULL DEFAULT '[]',
        reply_to TEXT NOT NULL DEFAULT '[]',
        subject TEXT NOT NULL DEFAULT '',
        date TEXT NOT NULL,             -- Date header in UTC, or the time it was first seen when missing/broken
        in_reply_to TEXT,
        refs TEXT NOT NULL DEFAULT '[]',       -- JSON list of Message-IDs from References
        headers TEXT NOT NULL DEFAULT '{}',    -- JSON of selected parsed headers
        text TEXT NOT NULL DEFAULT '',  -- readable body (HTML converted), sanitised
        snippet TEXT NOT NULL DEFAULT '',
        seen INTEGER NOT NULL DEFAULT 0,
        answered INTEGER NOT NULL DEFAULT 0,
        flagged INTEGER NOT NULL DEFAULT 0,
        keywords TEXT NOT NULL DEFAULT '[]',   -- JSON list of IMAP keywords
        gone INTEGER NOT NULL DEFAULT 0,       -- expunged on the server; the local copy is kept
        parse_error TEXT,               -- why the message could not be fully parsed (raw is kept)
        defects TEXT NOT NULL DEFAULT '[]',    -- JSON list of MIME defects found while parsing
        imported_at TEXT NOT NULL
    );
    CREATE INDEX messages_by_ticket ON messages(ticket_id, date, id);
    CREATE INDEX messages_by_message_id ON messages(message_id);

    -- The exact bytes as received, kept apart so scans of messages stay small.
    CREATE TABLE message_raw (
        message_id INTEGER PRIMARY KEY REFERENCES messages(id),
        raw BLOB NOT NULL
    );

    -- Where a message was found: one row per (source, folder, uid). A copy of a message seen in
    -- a second place adds a location, not a message.
    CREATE TABLE message_locations (
        source TEXT NOT NULL,           -- "maildir:/abs/path", "mbox:/abs/path", "imap:shop"
        folder TEXT NOT NULL DEFAULT '',
        uid TEXT NOT NULL,              -- maildir key, mbox content digest, IMAP UID
        message_id INTEGER NOT NULL REFERENCES messages(id),
        PRIMARY KEY (source, folder, uid)
    ) WITHOUT ROWID;
    CREATE INDEX message_locations_by_message ON message_locations(message_id);

    -- Threading index: every Message-ID a ticket's messages carry or reference, and its
    -- marketplace thread keys as 'key:…'. A new message joins the ticket(s) sharing any of these.
    CREATE TABLE thread_refs (
        ref TEXT NOT NULL,
        ticket_id INTEGER NOT NULL REFERENCES tickets(id),
        PRIMARY KEY (ref, ticket_id)
    ) WITHOUT ROWID;
    CREATE INDEX thread_refs_by_ticket ON thread_refs(ticket_id);

    CREATE TABLE attachments (
        id INTEGER PRIMARY KEY,
        message_id INTEGER NOT NULL REFERENCES messages(id),
        filename TEXT NOT NULL DEFAULT '',
        content_type TEXT NOT NULL DEFAULT 'application/octet-stream',
        size INTEGER NOT NULL DEFAULT 0,
        content_id TEXT,
        inline INTEGER NOT NULL DEFAULT 0,
        content BLOB
    );
    CREATE INDEX attachments_by_message ON attachments(message_id);

    CREATE TABLE tags (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        color TEXT
    );
    CREATE TABLE ticket_tags (
        ticket_id INTEGER NOT NULL REFERENCES tickets(id),
        tag_id INTEGER NOT NULL REFERENCES tags(id),
        created_at TEXT NOT NULL,
        PRIMARY KEY (ticket_id, tag_id)
    ) WITHOUT ROWID;
    CREATE INDEX ticket_tags_by_tag ON ticket_tags(tag_id, ticket_id);

    CREATE TABLE orders (
        id INTEGER PRIMARY KEY,
        provider TEXT NOT NULL,         -- amazon | ebay | shopify | woocommerce | demo
        order_number TEXT NOT NULL,
        customer_id INTEGER REFERENCES customers(id),
        placed_at TEXT,
        status TEXT,
        total REAL,
        currency TEXT,
        items TEXT NOT NULL DEFAULT '[]',      -- JSON [{"title", "sku", "quantity", "price"}]
        carrier TEXT,
        tracking_number TEXT,
        tracking_url TEXT,
        shipped_at TEXT,
        fetched_at TEXT NOT NULL,
        data TEXT NOT NULL DEFAULT '{}',       -- the provider's record as received (JSON)
        UNIQUE (provider, order_number)
    );
    CREATE INDEX orders_by_customer ON orders(customer_id, placed_at DESC);
    CREATE INDEX orders_by_number ON orders(order_number);

    CREATE TABLE ticket_orders (
        ticket_id INTEGER NOT NULL REFERENCES tickets(id),
        order_id INTEGER NOT NULL REFERENCES orders(id),
        PRIMARY KEY (ticket_id, order_id)
    ) WITHOUT ROWID;
    CREATE INDEX ticket_orders_by_order ON ticket_orders(order_id);

    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        ticket_id INTEGER NOT NULL REFERENCES tickets(id),
        message_id TEXT NOT NULL UNIQUE,       -- fixed when queued: the idempotency key
        transport TEXT NOT NULL,               -- smtp | ebay | …
        source TEXT,                           -- the configured source that sends it
        status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sending','sent','failed')),
        raw BLOB NOT NULL,                     -- the full MIME message as it will be sent
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        next_attempt_at TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT
    );
    CREATE INDEX outbox_pending ON outbox(status, next_attempt_at) WHERE status IN ('queued','sending');
    CREATE INDEX outbox_by_ticket ON outbox(ticket_id);

    CREATE TABLE sync_state (
        source TEXT NOT NULL,
        folder TEXT NOT NULL DEFAULT '',
        uidvalidity INTEGER,
        highest_uid INTEGER,
        highest_modseq INTEGER,
        cursor TEXT,                    -- opaque position for API sources (time, offset, token)
        updated_at TEXT NOT NULL,
        PRIMARY KEY (source, folder)
    );

    -- Every change a person or a rule makes to a ticket, for undo and for analytics.
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        ticket_id INTEGER NOT NULL REFERENCES tickets(id),
        at TEXT NOT NULL,
        kind TEXT NOT NULL,             -- status, tag_add, tag_remove, priority, flag, read, snooze, merged, undo
        old_value TEXT,
        new_value TEXT,
        actor TEXT NOT NULL DEFAULT 'user',    -- user | import | sync | rule
        batch_id TEXT                   -- one id for all events of one (bulk) action: undo reverts the batch
    );
    CREATE INDEX events_by_ticket ON events(ticket_id, at);
    CREATE INDEX events_by_time ON events(at);
    CREATE INDEX events_by_batch ON events(batch_id) WHERE batch_id IS NOT NULL;

    -- Full-text search over subject, sender and body (external content: no second copy).
    CREATE VIRTUAL TABLE messages_fts USING fts5(
        subject, from_name, from_addr, text,
        content='messages', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts(rowid, subject, from_name, from_addr, text)
        VALUES (new.id, new.subject, new.from_name, new.from_addr, new.text);
    END;
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, subject, from_name, from_addr, text)
        VALUES ('delete', old.id, old.subject, old.from_name, old.from_addr, old.text);
    END;
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF subject, from_name, from_addr, text ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, subject, from_name, from_addr, text)
        VALUES ('delete', old.id, old.subject, old.from_name, old.from_addr, old.text);
        INSERT INTO messages_fts(rowid, subject, from_name, from_addr, text)
        VALUES (new.id, new.subject, new.from_name, new.from_addr, new.text);
    END;
    """,
    # --- version 2: SLA due times -------------------------------------------------------------
    # due_at is computed in Python (inbox_tui/sla.py: business hours, time zones), so existing
    # rows are not backfilled here: store.due.refresh_due(store, None, policy) fills them.
    """
    ALTER TABLE tickets ADD COLUMN due_at TEXT;  -- answer by then; NULL when nothing waits
    -- The Due view: open tickets with a due time, most urgent first.
    CREATE INDEX tickets_due ON tickets(due_at, id) WHERE status = 'open' AND due_at IS NOT NULL;
    -- Only an open ticket is due: leaving 'open' clears it (whoever changes the status).
    CREATE TRIGGER tickets_due_cleared AFTER UPDATE OF status ON tickets
    WHEN new.status <> 'open' AND new.due_at IS NOT NULL BEGIN
        UPDATE tickets SET due_at = NULL WHERE id = new.id;
    END;
    """,
    # --- version 3: reply drafts ----------------------------------------------------------------
    """
    -- One draft per ticket, saved as the seller types; gone once the reply is queued.
    CREATE TABLE drafts (
        ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),
        template_key TEXT,              -- the template it started from, if any
        subject TEXT,
        body TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL
    );
    """,
    # --- version 4: search by recipient, prefixes from an index ---------------------------------
    # messages_fts gets prefix indexes of 2 and 3 characters (a word being typed is read from the
    # index instead of merging every word it begins), and the recipients an index of their own,
    # messages_fts_to (so to: is a full-text lookup, not a LIKE over every message; a column of
    # messages_fts would need a column filter on every bare word, 3× slower on common words).
    # FTS5 options cannot be changed in place: the index is made anew and rebuilt from
    # messages (~20 s at 300k messages, on one core).
    """
    DROP TRIGGER messages_fts_insert;
    DROP TRIGGER messages_fts_delete;
    DROP TRIGGER messages_fts_update;
    DROP TABLE messages_fts;
    CREATE VIRTUAL TABLE messages_fts USING fts5(
        subject, from_name, from_addr, text,
        content='messages', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2',
        prefix='2 3'
    );
    CREATE VIRTUAL TABLE messages_fts_to USING fts5(
        to_addrs,
        content='messages', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2',
        prefix='2 3'
    );
    CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts(rowid, subject, from_name, from_addr, text)
        VALUES (new.id, new.subject, new.from_name, new.from_addr, new.text);
        INSERT INTO messages_fts_to(rowid, to_addrs) VALUES (new.id, new.to_addrs);
    END;
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, subject, from_name, from_addr, text)
        VALUES ('delete', old.id, old.subject, old.from_name, old.from_addr, old.text);
        INSERT INTO messages_fts_to(messages_fts_to, rowid, to_addrs)
        VALUES ('delete', old.id, old.to_addrs);
    END;
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF subject, from_name, from_addr, text ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, subject, from_name, from_addr, text)
        VALUES ('delete', old.id, old.subject, old.from_name, old.from_addr, old.text);
        INSERT INTO messages_fts(rowid, subject, from_name, from_addr, text)
        VALUES (new.id, new.subject, new.from_name, new.from_addr, new.text);
    END;
    CREATE TRIGGER messages_fts_to_update AFTER UPDATE OF to_addrs ON messages BEGIN
        INSERT INTO messages_fts_to(messages_fts_to, rowid, to_addrs)
        VALUES ('delete', old.id, old.to_addrs);
        INSERT INTO messages_fts_to(rowid, to_addrs) VALUES (new.id, new.to_addrs);
    END;
    INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
    INSERT INTO messages_fts_to(messages_fts_to) VALUES ('rebuild');
    """,
    # --- version 5: messages a sync could not store -------------------------------------------
    # A source's position (sync_state) may move past a message only when the message is stored
    # or recorded here, in the same transaction; every sync tries the ones listed here again and
    # deletes the row once the message is stored (or gone from the server).
    """
    CREATE TABLE failed_messages (
        source TEXT NOT NULL,           -- as in message_locations: "imap:shop", "ebay:shop"
        folder TEXT NOT NULL DEFAULT '',-- IMAP folder; eBay conversation id
        uid TEXT NOT NULL,              -- IMAP UID; eBay messageId
        reason TEXT NOT NULL,           -- why the last try failed, one line
        attempts INTEGER NOT NULL DEFAULT 1,
        first_failed_at TEXT NOT NULL,
        last_failed_at TEXT NOT NULL,
        PRIMARY KEY (source, folder, uid)
    ) WITHOUT ROWID;
    """,
    # --- version 6: the file says it is an inbox-tui store, and whether it is the demo -----------
    # application_id marks every store of ours in the SQLite header, so a file that lacks it is
    # refused before anything writes to it (store/identity.py). A store the demo built before
    # stores were marked is recognised by its mail: all of it came from the demo's scratch Maildir.
    f"""
    PRAGMA application_id = {APPLICATION_ID};
    CREATE TABLE store_info (
        key TEXT PRIMARY KEY,           -- 'kind': 'demo' for the demo inbox (absent: the seller's own)
        value TEXT NOT NULL
    );
    INSERT INTO store_info (key, value) SELECT 'kind', 'demo' WHERE {BUILT_BY_DEMO};
    """,
    # --- version 7: trends: what tickets are about, searches kept as views, trends seen -------
    """
    -- What a ticket's first message from the customer is about, worked out by the stats
    -- (inbox_tui/stats/topics.py) and kept, so the stats, the inbox's "unusual now" line and the
    -- topic:/product: searches read it instead of matching the text again. Keyed by the message
    -- (a merge moves messages to another ticket, never deletes them; no foreign key, so that
    -- merging stays as it is); matched_with fingerprints the template library and product list
    -- it was matched against: when either changes, the message is matched again.
    CREATE TABLE message_topics (
        message_id INTEGER PRIMARY KEY, -- messages.id
        topic TEXT NOT NULL,            -- a template topic's name ("Damaged item"), or 'other'
        product TEXT,                   -- the product its words name (SKU, else title); NULL: none
        matched_with TEXT NOT NULL
    );
    CREATE INDEX message_topics_by_topic ON message_topics(topic);
    CREATE INDEX message_topics_by_product ON message_topics(product) WHERE product IS NOT NULL;

    -- Searches the seller kept as views in the TUI; the sidebar lists them after the config's.
    CREATE TABLE saved_searches (
        name TEXT PRIMARY KEY,
        query TEXT NOT NULL,            -- in the search language (docs/search.md)
        created_at TEXT NOT NULL
    );

    -- Unusual trends the seller has seen on the stats screen: the inbox's line leaves them out.
    CREATE TABLE trends_seen (
        trend TEXT PRIMARY KEY,         -- e.g. 'product+topic:LINEN-TT-3|Damaged item'
        seen_at TEXT NOT NULL
    );
    """,
    # --- version 8: the views of the work, and what the customer asks ----------------------------
    # Channel views leave closed tickets out (search finds them: `channel:ebay status:closed`);
    # their pages and counts read this partial index instead of testing every ticket's status.
    # tickets.title is the customer's question when the first message's subject is a
    # marketplace's boilerplate ("New customer message on …"): domain/subjects.py, which the
    # connection offers to SQL as customer_subject(subject, text) (store/db.py).
    """
    CREATE INDEX tickets_not_closed ON tickets(channel, last_message_at DESC, id DESC)
        WHERE status <> 'closed';
    ALTER TABLE tickets ADD COLUMN title TEXT;  -- NULL: the subject says it
    UPDATE tickets SET title = (
        SELECT customer_subject(m.subject, m.text) FROM messages m
        WHERE m.ticket_id = tickets.id ORDER BY m.date, m.id LIMIT 1)
    WHERE customer_subject(subject, 'x') IS NOT NULL;  -- the subject alone says which to read
    """,
    # --- version 9: files attached to replies, the buyer's name on an order --------------------
    """
    -- A file the seller attached to a reply: the draft's while outbox_id is NULL, then the
    -- queued reply's (its MIME in outbox.raw carries it too). Undo of a send puts it back.
    CREATE TABLE reply_files (
        id INTEGER PRIMARY KEY,
        ticket_id INTEGER NOT NULL REFERENCES tickets(id),
        outbox_id INTEGER REFERENCES outbox(id),
        filename TEXT NOT NULL,
        content_type TEXT NOT NULL,
        data BLOB NOT NULL,
        added_at TEXT NOT NULL
    );
    CREATE INDEX reply_files_by_ticket ON reply_files(ticket_id, outbox_id);
    CREATE INDEX reply_files_by_outbox ON reply_files(outbox_id) WHERE outbox_id IS NOT NULL;
    -- The buyer's name as the order gives it (eBay: the registration address's name, where
    -- the ticket knows only the user id): replies greet the customer with it.
    ALTER TABLE orders ADD COLUMN buyer_name TEXT;
    """,
    # --- version 10: search folds German and Turkish as people type them ------------------------
    # The indexes hold search_fold() of each message (domain/folding.py, offered to SQL by the
    # connection: store/db.py): ß → ss, ae/oe/ue → a/o/u in words of 4+ letters, ı → i, so that
    # `groesse`, `grosse` and `Größe` are one word. They are contentless (content=''): the words
    # differ from the text in messages, so FTS5 must never read it back ('rebuild' could not make
    # them). The triggers fold too: a program that writes messages needs search_fold.
    # Refilled from messages in this one transaction (10 s of CPU per 100,000 messages, which
    # the CLI tells the seller first): stopped halfway, it rolls back and starts again on the
    # next open. benchmarks/README.md has the measures (index size unchanged, import +15 % CPU).
    """
    DROP TRIGGER messages_fts_insert;
    DROP TRIGGER messages_fts_delete;
    DROP TRIGGER messages_fts_update;
    DROP TRIGGER messages_fts_to_update;
    DROP TABLE messages_fts;
    DROP TABLE messages_fts_to;
    CREATE VIRTUAL TABLE messages_fts USING fts5(
        subject, from_name, from_addr, text,
        content='',
        tokenize='unicode61 remove_diacritics 2',
        prefix='2 3'
    );
    CREATE VIRTUAL TABLE messages_fts_to USING fts5(
        to_addrs,
        content='',
        tokenize='unicode61 remove_diacritics 2',
        prefix='2 3'
    );
    CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts(rowid, subject, from_name, from_addr, text)
        VALUES (new.id, search_fold(new.subject), search_fold(new.from_name),
                search_fold(new.from_addr), search_fold(new.text));
        INSERT INTO messages_fts_to(rowid, to_addrs) VALUES (new.id, search_fold(new.to_addrs));
    END;
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, subject, from_name, from_addr, text)
        VALUES ('delete', old.id, search_fold(old.subject), search_fold(old.from_name),
                search_fold(old.from_addr), search_fold(old.text));
        INSERT INTO messages_fts_to(messages_fts_to, rowid, to_addrs)
        VALUES ('delete', old.id, search_fold(old.to_addrs));
    END;
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF subject, from_name, from_addr, text ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, subject, from_name, from_addr, text)
        VALUES ('delete', old.id, search_fold(old.subject), search_fold(old.from_name),
                search_fold(old.from_addr), search_fold(old.text));
        INSERT INTO messages_fts(rowid, subject, from_name, from_addr, text)
        VALUES (new.id, search_fold(new.subject), search_fold(new.from_name),
                search_fold(new.from_addr), search_fold(new.text));
    END;
    CREATE TRIGGER messages_fts_to_update AFTER UPDATE OF to_addrs ON messages BEGIN
        INSERT INTO messages_fts_to(messages_fts_to, rowid, to_addrs)
        VALUES ('delete', old.id, search_fold(old.to_addrs));
        INSERT INTO messages_fts_to(rowid, to_addrs) VALUES (new.id, search_fold(new.to_addrs));
    END;
    INSERT INTO messages_fts(rowid, subject, from_name, from_addr, text)
        SELECT id, search_fold(subject), search_fold(from_name), search_fold(from_addr),
               search_fold(text)
        FROM messages ORDER BY id;
    INSERT INTO messages_fts_to(rowid, to_addrs)
        SELECT id, search_fold(to_addrs) FROM messages ORDER BY id;
    INSERT INTO messages_fts(messages_fts) VALUES ('optimize');
    INSERT INTO messages_fts_to(messages_fts_to) VALUES ('optimize');
    """,
    # --- version 11: rules and automation ---------------------------------------------------------
    # A rule's changes are events with actor 'rule' and the rule's name; rule_firings says which
    # rule already acted on which customer message (a rule acts once per message, or once per
    # ticket), and which auto-replies were queued to whom (one per ticket, one per customer in a
    # window: RFC 3834). store_info 'rules_after' is the last messages.id the rules have seen:
    # a store that had mail before rules existed starts past it (rules never act on old mail by
    # themselves; `inbox-tui rules apply` does, on request).
    """
    ALTER TABLE events ADD COLUMN rule TEXT;  -- the rule's name when actor = 'rule'
    CREATE INDEX events_by_rule ON events(rule, ticket_id) WHERE rule IS NOT NULL;
    CREATE TABLE rule_firings (
        rule TEXT NOT NULL,             -- the rule's name in the config
        ticket_id INTEGER NOT NULL,     -- → tickets.id
        message_id INTEGER NOT NULL,    -- → messages.id: the customer's message it acted on
        at TEXT NOT NULL,
        batch_id TEXT,                  -- its events' batch (what undo reverts)
        outcome TEXT NOT NULL DEFAULT '',  -- what it did, one line ("tag returns; reply queued #3")
        replied_to TEXT,                -- the address an auto-reply was queued to (lower case)
        outbox_id INTEGER,              -- → outbox.id of that auto-reply
        PRIMARY KEY (rule, ticket_id, message_id)
    ) WITHOUT ROWID;
    CREATE INDEX rule_firings_by_ticket ON rule_firings(ticket_id);
    CREATE INDEX rule_firings_replies ON rule_firings(replied_to, at) WHERE replied_to IS NOT NULL;
    INSERT INTO store_info (key, value) SELECT 'rules_after', coalesce(max(id), 0) FROM messages;
    """,
    # --- version 12: an attachment's bytes kept once ---------------------------------------------
    # A photo sat in the store twice: base64 in message_raw (kept byte for byte) and decoded in
    # attachments.content. Now a row whose bytes its message's raw gives back exactly points into
    # it instead (content NULL, domain/raw_spans.py): raw[raw_start:raw_end], decoded by
    # raw_encoding. After this SQL, in the same transaction, AFTER_MIGRATION[12] does that for
    # the attachments already stored, each checked against the bytes it replaces; one it cannot
    # find (quoted-printable, a re-encoded attached message) keeps its content.
    """
    ALTER TABLE attachments ADD COLUMN raw_start INTEGER;  -- NULL: the bytes are in content
    ALTER TABLE attachments ADD COLUMN raw_end INTEGER;
    ALTER TABLE attachments ADD COLUMN raw_encoding TEXT;  -- 'base64' | 'identity'
    """,
    # --- version 13: the products the orders name, kept as orders change ----------------------
    # The stats (catalogue of products, store/trends.order_lines) read every order's items JSON
    # on every report: 0.6 s of CPU at a decade of mail (150,000 orders; benchmarks/million.py).
    # order_products keeps the same count per (product, title), updated by triggers on orders,
    # and filled here from the stored orders. orders_by_placed serves orders_per_product.
    # tickets_unread and tickets_flagged serve the is:unread and is:flagged searches.
    """
    CREATE TABLE order_products (
        product TEXT NOT NULL,          -- an order line's SKU, else its title (trimmed)
        title TEXT NOT NULL,            -- the line's title, trimmed ('' when it has none)
        lines INTEGER NOT NULL,         -- how many order lines name it so
        PRIMARY KEY (product, title)
    ) WITHOUT ROWID;
    INSERT INTO order_products (product, title, lines)
        SELECT coalesce(nullif(trim(json_extract(j.value, '$.sku')), ''),
                 trim(json_extract(j.value, '$.title'))) AS product,
               coalesce(trim(json_extract(j.value, '$.title')), ''), count(*)
          FROM orders o, json_each(CASE WHEN json_valid(o.items) THEN o.items ELSE '[]' END) j
         WHERE product IS NOT NULL GROUP BY 1, 2;
    CREATE TRIGGER order_products_insert AFTER INSERT ON orders BEGIN
        INSERT INTO order_products (product, title, lines)
        SELECT coalesce(nullif(trim(json_extract(j.value, '$.sku')), ''),
                 trim(json_extract(j.value, '$.title'))) AS product,
               coalesce(trim(json_extract(j.value, '$.title')), '') AS title, count(*) AS n
          FROM json_each(CASE WHEN json_valid(new.items) THEN new.items ELSE '[]' END) j
         WHERE product IS NOT NULL GROUP BY 1, 2
        ON CONFLICT (product, title) DO UPDATE SET lines = lines + excluded.lines;
    END;
    CREATE TRIGGER order_products_delete AFTER DELETE ON orders BEGIN
        UPDATE order_products SET lines = lines - (
            SELECT x.n FROM (SELECT coalesce(nullif(trim(json_extract(j.value, '$.sku')), ''),
                 trim(json_extract(j.value, '$.title'))) AS product,
               coalesce(trim(json_extract(j.value, '$.title')), '') AS title, count(*) AS n
          FROM json_each(CASE WHEN json_valid(old.items) THEN old.items ELSE '[]' END) j
         WHERE product IS NOT NULL GROUP BY 1, 2) x
             WHERE x.product = order_products.product AND x.title = order_products.title)
         WHERE (product, title) IN (SELECT product, title FROM (SELECT coalesce(nullif(trim(json_extract(j.value, '$.sku')), ''),
                 trim(json_extract(j.value, '$.title'))) AS product,
               coalesce(trim(json_extract(j.value, '$.title')), '') AS title, count(*) AS n
          FROM json_each(CASE WHEN json_valid(old.items) THEN old.items ELSE '[]' END) j
         WHERE product IS NOT NULL GROUP BY 1, 2));
        DELETE FROM order_products WHERE lines <= 0;
    END;
    CREATE TRIGGER order_products_update AFTER UPDATE OF items ON orders
    WHEN old.items IS NOT new.items BEGIN
        UPDATE order_products SET lines = lines - (
            SELECT x.n FROM (SELECT coalesce(nullif(trim(json_extract(j.value, '$.sku')), ''),
                 trim(json_extract(j.value, '$.title'))) AS product,
               coalesce(trim(json_extract(j.value, '$.title')), '') AS title, count(*) AS n
          FROM json_each(CASE WHEN json_valid(old.items) THEN old.items ELSE '[]' END) j
         WHERE product IS NOT NULL GROUP BY 1, 2) x
             WHERE x.product = order_products.product AND x.title = order_products.title)
         WHERE (product, title) IN (SELECT product, title FROM (SELECT coalesce(nullif(trim(json_extract(j.value, '$.sku')), ''),
                 trim(json_extract(j.value, '$.title'))) AS product,
               coalesce(trim(json_extract(j.value, '$.title')), '') AS title, count(*) AS n
          FROM json_each(CASE WHEN json_valid(old.items) THEN old.items ELSE '[]' END) j
         WHERE product IS NOT NULL GROUP BY 1, 2));
        DELETE FROM order_products WHERE lines <= 0;
        INSERT INTO order_products (product, title, lines)
        SELECT coalesce(nullif(trim(json_extract(j.value, '$.sku')), ''),
                 trim(json_extract(j.value, '$.title'))) AS product,
               coalesce(trim(json_extract(j.value, '$.title')), '') AS title, count(*) AS n
          FROM json_each(CASE WHEN json_valid(new.items) THEN new.items ELSE '[]' END) j
         WHERE product IS NOT NULL GROUP BY 1, 2
        ON CONFLICT (product, title) DO UPDATE SET lines = lines + excluded.lines;
    END;
    CREATE INDEX orders_by_placed ON orders(placed_at);
    -- is:unread and is:flagged: the few such tickets, newest first, without reading every
    -- ticket's row (a scan of all tickets took 0.3-0.4 s at 333,000 tickets)
    CREATE INDEX tickets_unread ON tickets(last_message_at DESC, id DESC) WHERE unread_count > 0;
    CREATE INDEX tickets_flagged ON tickets(last_message_at DESC, id DESC) WHERE flagged <> 0;
    """,
    # --- version 14: recipients found by a longer prefix in one lookup ---------------------------
    # `to:` with a word being typed (`to:cust`, `to:custom`) made FTS5 merge the doclists of every
    # recipient word it begins before the first row: 1.1-1.4 s at a decade of mail, where 133,000
    # customer addresses begin with "cust" (benchmarks/million.py). messages_fts_to keeps
    # prefixes of 2 to 8 letters now, each one lookup a search reads lazily (longer ones begin
    # few words: the search lists them, store/search.py). The index of recipients is small
    # (~60 bytes a message before); FTS5 options cannot change in place, so it is made anew and
    # refilled from messages in this transaction (benchmarks/README.md has its time and size at
    # 1M messages). The triggers name it and are left as they are.
    """
    DROP TABLE messages_fts_to;
    CREATE VIRTUAL TABLE messages_fts_to USING fts5(
        to_addrs,
        content='',
        tokenize='unicode61 remove_diacritics 2',
        prefix='2 3 4 5 6 7 8'
    );
    INSERT INTO messages_fts_to(rowid, to_addrs)
        SELECT id, search_fold(to_addrs) FROM messages ORDER BY id;
    INSERT INTO messages_fts_to(messages_fts_to) VALUES ('optimize');
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


# What SQL cannot do, run after a version's SQL in its transaction (version -> step).
def _point_attachments_into_raw(conn: sqlite3.Connection) -> None:
    """store.attachments' step (imported here, when an old store is upgraded: not on the way
    to the TUI's first frame)."""
    from inbox_tui.store.attachments import point_attachments_into_raw

    point_attachments_into_raw(conn)


AFTER_MIGRATION: dict[int, Callable[[sqlite3.Connection], None]] = {
    12: _point_attachments_into_raw,
}
