"""Reply templates: the shipped library, sandboxed rendering, missing values, checks, suggestions."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox_tui.config import SellerConfig
from inbox_tui.store import Store
from inbox_tui.store.orders import link_ticket_order, upsert_order
from inbox_tui.store.reply_context import last_inbound_text, reply_context
from inbox_tui.suggest import suggest
from inbox_tui.templates import (
    MISSING_MARK,
    Template,
    TemplateError,
    check_library,
    load_library,
    load_templates,
    parse_templates,
    render,
    shipped_templates,
    template_problems,
)
from tests.demo_cache import demo_copy

BIN = Path(sys.executable).parent / "inbox-tui"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)
SELLER = SellerConfig(
    name="Anatolia Textiles", signature="--\nAnatolia Textiles\nhttps://shop.example"
)

MINIMAL = """\
- key: thanks
  name: Thank you
  body: |
    Hello {{ customer.first_name }},
    thank you for your message about {{ ticket.subject }}.
"""

CONTEXT = {
    "customer": {"name": "Ayşe Yılmaz", "first_name": "Ayşe", "email": "ayse@example.com"},
    "ticket": {"subject": "Bornoz", "channel": "etsy", "id": 7},
    "order": {
        "number": "1042",
        "date": date(2026, 11, 2),
        "items": [{"title": "Peshtemal towel", "quantity": 2}],
        "total": "49.90",
        "currency": "EUR",
        "tracking_number": "",
        "tracking_url": "",
        "carrier": "",
    },
    "seller": {"name": "Anatolia Textiles", "signature": "--\nAnatolia Textiles"},
    "today": TODAY,
}


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("demo") / "inbox.db"
    store = Store.open(demo_copy(tmp_path_factory, path, now=NOW, seed=7))
    yield store
    store.close()


@pytest.fixture(scope="module")
def library() -> list[Template]:
    return shipped_templates()


def _key(templates: list[Template], key: str) -> Template:
    return next(t for t in templates if t.key == key)


# --- the shipped library -----------------------------------------------------------------------


def test_shipped_library_is_complete_and_clean(library: list[Template]) -> None:
    keys = {t.key for t in library}
    for situation in ("wismo", "refund", "return-label", "wrong-size", "damaged", "cancel"):
        assert situation in keys
    assert {"invoice", "thanks"} <= keys
    for language in ("tr", "de"):
        assert sum(t.language == language for t in library) >= 4
    assert len(keys) == len(library)
    checked, problems = check_library()
    assert problems == []
    assert len(checked) == len(library)


def test_turkish_and_german_texts_are_natural(library: list[Template]) -> None:
    turkish = " ".join(t.body for t in library if t.language == "tr")
    german = " ".join(t.body for t in library if t.language == "de")
    for letter in "ğüşıöçİ":
        assert letter in turkish or letter in " ".join(t.name for t in library), letter
    for letter in "äöüß":
        assert letter in german, letter


def test_every_shipped_template_renders_for_every_demo_ticket(
    demo_store: Store, library: list[Template]
) -> None:
    ids = [row[0] for row in demo_store.conn.execute("SELECT id FROM tickets ORDER BY id")]
    with_order = without_order = 0
    for ticket_id in ids:
        context = reply_context(demo_store, ticket_id, seller=SELLER, today=TODAY)
        for template in library:
            rendered = render(template, context)
            assert "{{" not in rendered.body and "{%" not in rendered.body
            if "order" in context:
                assert rendered.ok, (ticket_id, template.key, rendered.missing)
                assert MISSING_MARK.split("{")[0] not in rendered.body
                if "order.number" in template.body:
                    assert context["order"]["number"] in rendered.body
            elif "{{ order.number }}" in template.body:
                # No order: the number has no default, so it is reported, never left blank.
                names = {m.name for m in rendered.missing}
                assert names == {"order.number"}, (template.key, rendered.missing)
                assert MISSING_MARK.format(name="order.number") in rendered.body
                assert all(m.line >= 1 for m in rendered.missing)
            else:
                assert rendered.ok, (template.key, rendered.missing)
        with_order += "order" in context
        without_order += "order" not in context
    assert with_order and without_order  # the demo has both kinds of ticket


def test_a_filled_in_reply_reads_right(library: list[Template]) -> None:
    rendered = render(_key(library, "wismo"), CONTEXT)
    assert rendered.ok
    assert rendered.subject == "Your order 1042"
    assert rendered.body.startswith("Hi Ayşe,\n\n")
    assert "tracking number as soon as" in rendered.body  # no tracking yet: the else branch
    assert "\n\n\n" not in rendered.body
    assert rendered.body.rstrip().endswith("Anatolia Textiles")


# --- rendering -------------------------------------------------------------------------------


def test_the_minimal_entry_from_the_issue_works() -> None:
    [template] = parse_templates(MINIMAL, "mine.yaml")
    assert (template.channels, template.language, template.status) == ((), "en", None)
    assert template.subject is None and template.tags == ()
    rendered = render(template, CONTEXT)
    assert rendered.ok and rendered.subject is None
    assert rendered.body == "Hello Ayşe,\nthank you for your message about Bornoz.\n"


def test_a_missing_value_is_reported_with_its_line_and_default_fills_it() -> None:
    body = "Hi {{ customer.first_name }},\n\ntracking: {{ order.tracking_number }}\n"
    rendered = render(body, CONTEXT)
    assert [(m.name, m.line) for m in rendered.missing] == [("order.tracking_number", 3)]
    assert "tracking: [missing: order.tracking_number]" in rendered.body
    filled = render(body.replace("}}\n", '| default("soon") }}\n'), CONTEXT)
    assert filled.ok and "tracking: soon" in filled.body
    issue_spelling = render('{{ order.tracking | default("we will send tracking shortly") }}', {})
    assert issue_spelling.ok and issue_spelling.body == "we will send tracking shortly"


def test_an_empty_first_name_is_missing_not_a_hole() -> None:
    context = {**CONTEXT, "customer": {"name": "", "first_name": "", "email": "x@example.com"}}
    rendered = render("Hello {{ customer.first_name }},", context)
    assert [m.name for m in rendered.missing] == ["customer.first_name"]
    assert rendered.body != "Hello ,"


def test_missing_values_in_the_subject_and_in_expressions_are_reported() -> None:
    template = Template(
        key="t",
        name="t",
        subject="Order {{ order.number }}",
        body="{% for item in order.items %}{{ item.title }}{% endfor %}\n"
        "{% if order.total > 10 %}big{% endif %}",
    )
    rendered = render(template, {"customer": {"name": "A"}})
    found = {(m.name, m.part, m.line) for m in rendered.missing}
    assert ("order.number", "subject", 1) in found
    assert ("order.items", "body", 1) in found
    assert ("order.total", "body", 2) in found
    assert not rendered.ok


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ customer.__class__ }}",
        "{{ customer._fields }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ joiner.__init__.__globals__.os }}",
        "{{ (9 ** 99) }}",
        "{{ 'x' * 10000000 }}",
    ],
)
def test_sandbox_escapes_are_refused(source: str) -> None:
    with pytest.raises(TemplateError, match="refused"):
        render(source, CONTEXT)


def test_output_is_plain_text_but_clean() -> None:
    context = {"customer": {"name": "O'Brien & <Sons>\x1b[31m\u202e", "first_name": "O'Brien"}}
    rendered = render("{{ customer.name }}", context)
    assert rendered.body == "O'Brien & <Sons>"


def test_errors_in_a_template_are_template_errors() -> None:
    for source in ("{{ 1 / 0 }}", "{% include 'x' %}", "{{ ", "{% for %}", "{{ range(10**9) }}"):
        with pytest.raises(TemplateError):
            render(source, CONTEXT)


_PIECES = st.sampled_from(
    [
        "{{",
        "}}",
        "{%",
        "%}",
        "{#",
        "#}",
        " customer.first_name ",
        " order.number ",
        " order.items ",
        " | default('x') ",
        " | join(', ') ",
        " if ",
        " for x in ",
        " endfor ",
        " endif ",
        " else ",
        "__class__",
        ".",
        "(",
        ")",
        "[0]",
        "'",
        '"',
        "\n",
        " ** ",
        " * ",
        " ~ ",
        "9",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=20))
def test_any_body_renders_or_raises_template_error(pieces: list[str]) -> None:
    try:
        rendered = render("".join(pieces), CONTEXT)
    except TemplateError as exc:
        assert "\n" not in str(exc)
    else:
        assert isinstance(rendered.body, str)


# --- loading and checking --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "- key: a\n  name: A\n  subjct: x\n  body: hi\n",
            "mine.yaml line 3: a.subjct: unknown key (known: body, channels, examples, key,"
            " keywords, language, name, status, subject, tags)",
        ),
        ("- key: a\n  name: A\n", "mine.yaml line 1: a: body is required"),
        (
            "- key: a\n  name: A\n  body: hi\n  status: done\n",
            "mine.yaml line 4: a.status: Input should be 'open', 'pending' or 'closed'",
        ),
        (
            "- key: a\n  name: A\n  body: hi\n  channels: [fax]\n",
            "mine.yaml line 4: a.channels: expected channels from",
        ),
        ("- key: A B\n  name: A\n  body: hi\n", "mine.yaml line 1: [0].key: expected a short id"),
        ("key: a\n", "mine.yaml line 1: expected a list of templates"),
        ("- key: a\n  name: [\n", "mine.yaml line 3: not valid YAML"),
        ("- key: a\n  key: b\n", "mine.yaml line 2: [0].key: duplicate key (first at line 1)"),
    ],
)
def test_bad_entries_name_file_line_and_key(text: str, expected: str) -> None:
    with pytest.raises(TemplateError) as caught:
        parse_templates(text, "mine.yaml")
    assert str(caught.value).startswith(expected), str(caught.value)


def test_problems_name_the_file_line_and_variable(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "- key: a\n  name: A\n  body: |\n    Hi {{ customer.first_name }},\n"
        "    {{ order.numbr }} {{ shop }}\n    {% for i in order.items %}{{ i.colour }}{% endfor %}\n"
        "- key: b\n  name: B\n  body: '{% if %}'\n"
    )
    [first, second] = load_templates(path)
    assert template_problems(first) == [
        f"{path} line 5: a: body line 2: unknown variable shop",
        f"{path} line 5: a: body line 2: unknown variable order.numbr",
        f"{path} line 6: a: body line 3: unknown variable i.colour",
    ]
    [syntax] = template_problems(second)
    assert syntax.startswith(f"{path} line 9: b: body line 1: syntax error:")


def test_own_templates_add_to_and_replace_shipped_ones(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "a.yaml").write_text(MINIMAL)
    (folder / "b.yml").write_text(MINIMAL.replace("key: thanks", "key: hello"))
    (folder / "notes.txt").write_text("not a template")
    library = load_library(folder)
    assert len(library) == len(shipped_templates()) + 1
    assert _key(library, "thanks").file == str(folder / "a.yaml")
    (folder / "c.yaml").write_text(MINIMAL)
    with pytest.raises(TemplateError, match="duplicate key"):
        load_library(folder)
    with pytest.raises(TemplateError, match="not found"):
        load_library(tmp_path / "nowhere")


# --- the reply context -----------------------------------------------------------------------


def test_reply_context_takes_the_linked_order_first(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    demo = Store.open(demo_copy(tmp_path_factory, tmp_path / "inbox.db", now=NOW, seed=7))
    ticket_id = demo.conn.execute(
        "SELECT ticket_id FROM ticket_orders ORDER BY ticket_id LIMIT 1"
    ).fetchone()[0]
    customer = demo.conn.execute(
        "SELECT c.email, c.name FROM tickets t JOIN customers c ON c.id = t.customer_id"
        " WHERE t.id = ?",
        (ticket_id,),
    ).fetchone()
    newer = upsert_order(
        demo,
        provider="shopify",
        order_number="NEWEST-1",
        customer_email=customer["email"],
        placed_at=NOW,
        total=12.5,
        currency="eur",
        items=[{"title": "Towel", "quantity": 3}],
        tracking_number="TRK1",
        carrier="DHL",
    )
    context = reply_context(demo, ticket_id, seller=SELLER, today=TODAY)
    assert context["order"]["number"] != "NEWEST-1"  # the ticket's own order wins
    assert context["customer"]["first_name"] == customer["name"].split()[0]
    assert context["seller"]["name"] == "Anatolia Textiles"
    assert context["today"] == TODAY
    assert last_inbound_text(demo, ticket_id)
    link_ticket_order(demo, ticket_id, newer)
    context = reply_context(demo, ticket_id, seller=SELLER, today=TODAY)
    assert context["order"]["number"] == "NEWEST-1"
    assert context["order"]["total"] == "12.50" and context["order"]["currency"] == "EUR"
    assert context["order"]["items"][0]["title"] == "Towel"
    assert context["order"]["tracking_number"] == "TRK1"
    assert context["order"]["date"] == NOW.date()
    with pytest.raises(ValueError, match="no ticket"):
        reply_context(demo, 10**9, seller=SELLER, today=TODAY)
    demo.close()


# --- suggestion ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Siparişim nerede? Kargo takip numarası?", "wismo-tr"),
        ("Ich habe die falsche Größe bekommen", "wrong-size-de"),
        ("the towel arrived torn", "damaged"),
        ("Hi, where is my order? It has not arrived yet.", "wismo"),
        ("Please cancel my order, I ordered by mistake", "cancel"),
        ("Can I get an invoice with our VAT number?", "invoice"),
        ("Wo ist mein Paket?", "wismo-de"),
    ],
)
def test_suggestion_ranks_the_right_template_first(
    library: list[Template], message: str, expected: str
) -> None:
    found = suggest(library, message, channel="email")
    assert found and found[0].key == expected, [t.key for t in found]
    assert len(found) <= 3


def test_suggestion_filters_by_channel_and_prefers_the_language(library: list[Template]) -> None:
    amazon_only = Template(
        key="amz", name="Amazon", body="x", channels=("amazon",), keywords=("towel", "torn")
    )
    templates = [*library, amazon_only]
    assert "amz" not in [t.key for t in suggest(templates, "towel torn", channel="etsy")]
    assert suggest(templates, "towel torn", channel="amazon", top=5)[0].key == "amz"
    words = ("paket", "sendung")
    twins = [
        Template(key="en", name="Paket", body="x", keywords=words),
        Template(key="de", name="Paket", body="x", keywords=words, language="de"),
        Template(key="other", name="Invoice", body="x", keywords=("invoice",)),
    ]
    # one word every template has tells them apart from nothing: no suggestion
    assert suggest(twins[:2], "Paket", channel="email") == []
    assert suggest(twins, "Paket, Sendung", channel="email")[0].key == "en"  # a tie: library order
    assert suggest(twins, "Paket, Sendung", channel="email", language="de")[0].key == "de"
    assert suggest(twins, "Wo ist mein Paket? Sendung?", channel="email")[0].key == "de"  # guessed
    assert suggest(library, "", channel="email") == []
    assert suggest(library, "xyzzy plugh", channel="email") == []


# --- the command line ------------------------------------------------------------------------


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), *args], capture_output=True, text=True, timeout=60, env={**os.environ}
    )


def test_cli_templates_check_ok(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text(MINIMAL.replace("key: thanks", "key: hello"))
    config = tmp_path / "config.yaml"
    config.write_text("templates: mine.yaml\n")
    result = _run("--config", str(config), "templates", "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{len(shipped_templates()) + 1} templates OK"


def test_cli_templates_check_reports_every_problem(tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "a.yaml").write_text(
        "- key: a\n  name: A\n  body: '{{ order.numbr }}'\n"
        "- key: a\n  name: A2\n  body: '{% if %}'\n"
    )
    (folder / "b.yaml").write_text("- key: b\n  name: [\n")
    config = tmp_path / "config.yaml"
    config.write_text(f"templates: {folder}\n")
    result = _run("--config", str(config), "templates", "check")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert "Traceback" not in result.stderr
    assert len(lines) == 4, lines
    a, b = folder / "a.yaml", folder / "b.yaml"
    assert any(f"{b} line 3: not valid YAML" in line for line in lines)
    assert any(f"{a} line 4: a: duplicate key (also {a} line 1)" in line for line in lines)
    assert any(
        f"{a} line 3: a: body line 1: unknown variable order.numbr" in line for line in lines
    )
    assert any(f"{a} line 6: a: body line 1: syntax error" in line for line in lines)


def test_cli_templates_check_names_a_missing_path(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("templates: nowhere/\n")
    result = _run("--config", str(config), "templates", "check")
    assert result.returncode == 2
    assert f"{tmp_path / 'nowhere'}: not found" in result.stderr
