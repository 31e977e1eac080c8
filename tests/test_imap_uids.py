"""Listing a folder's UIDs (to find expunged mail): compact sets, plain SEARCH and ESEARCH agree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hypothesis import given
from hypothesis import strategies as st

from inbox_tui.channels.imap.session import all_uids, parse_uid_set, uid_set
from tests.mailgen import make_mail
from tests.test_imap_sync import append

if TYPE_CHECKING:
    from tests.dovecot import Account

pytest_plugins = ["tests.dovecot"]


@given(st.sets(st.integers(min_value=1, max_value=5000), max_size=300))
def test_a_uid_set_reads_back_as_the_same_uids(uids: set[int]) -> None:
    assert parse_uid_set(uid_set(sorted(uids))) == uids


def test_esearch_and_plain_search_list_the_same_uids(imap_account: Account) -> None:
    client = imap_account.client()
    try:
        assert client.has_capability("ESEARCH")  # Dovecot offers it: the path in use
        client.select_folder("INBOX")
        assert all_uids(client, esearch=True) == set() == all_uids(client, esearch=False)
        append(imap_account, [make_mail(subject=f"Order {i}") for i in range(40)])
        client.noop()
        gone = [2, 3, 4, 10, 11, 39, 40]  # runs, singles and the end
        client.delete_messages(gone)
        client.expunge()
        expected = set(range(1, 41)) - set(gone)
        assert all_uids(client, esearch=True) == expected
        assert all_uids(client, esearch=False) == expected
    finally:
        client.logout()
