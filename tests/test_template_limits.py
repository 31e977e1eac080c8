"""A template cannot build gigabytes or run for minutes: every way the issue found (and the
others Jinja's sandbox lets through) is refused in one line naming the template and line, fast,
and `templates check` finds the same before a customer's mail does."""

from __future__ import annotations

import re
import resource
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox_tui.template_limits import MAX_STEPS, MAX_TEXT, MAX_WORK
from inbox_tui.template_samples import LONGEST, TYPICAL
from inbox_tui.templates import Template, TemplateError, check_library, render
from tests.test_cli import run


@pytest.fixture(autouse=True)
def memory_guard() -> Iterator[None]:
    """A template that gets through would take gigabytes: let it fail with MemoryError here
    rather than take the machine down (the limit is 700 MB over what the tests use already)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    status = Path("/proc/self/status").read_text()
    used = int(re.search(r"VmSize:\s+(\d+) kB", status).group(1)) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (used + 700 * 2**20, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def refused(source: str, context: dict | None = None) -> str:
    """The one-line error of a template the limits stop, which must come fast."""
    started = time.perf_counter()
    with pytest.raises(TemplateError) as caught:
        render(Template(key="bomb", name="Bomb", body=source), context or TYPICAL)
    assert time.perf_counter() - started < 3.0, "the limits took too long to stop it"
    text = str(caught.value)
    assert "\n" not in text and text.startswith("bomb: body line "), text
    return text


# --- the templates, and their cousins ---------------------------------------------------

BOMBS = {
    # the issue's
    "center": "{{ 'a'|center(300000000) }}",
    "percent-star": "{{ '%0*d' % (10**9, 1) }}",
    "format-width": "{{ '{:>1000000000}'.format('a') }}",
    "indent": "{{ 'a'|indent(10**9) }}",
    "tilde-chain": "{% set ns = namespace(s='ab') %}{% for i in range(40) %}"
    "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
    "replace-empty": "{{ ('x'*9999)|replace('', 'b'*999) }}",
    "nested-range": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}"
    "{% endfor %}",
    "power-tower": "{{ (((9**64)**64)**64)**64 }}",
    # the same, other ways
    "percent-literal-width": "{{ '%0999999999d' % 1 }}",
    "percent-precision": "{{ '%.999999999f' % 1.5 }}",
    "format-filter": "{{ '%0*d'|format(10**9, 1) }}",
    "format-nested-width": "{{ '{:>{}}'.format('a', 10**9) }}",
    "format-repeat": "{{ '{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}'.format('x' * 5000) }}",
    "format-map": "{{ '{a:>999999999}'.format_map({'a': 1}) }}",
    "ljust": "{{ 'a'.ljust(10**9) }}",
    "zfill": "{{ '1'.zfill(10**9) }}",
    "str-replace": "{{ ('x'*9999).replace('', 'b'*99) }}",
    "str-times": "{{ 'ab' * 10**8 }}",
    "list-times": "{{ [1] * 10**8 }}",
    "list-of-big-times": "{{ ['a' * 40000] * 40000 }}",
    "join-separator": "{{ range(10000)|join('x' * 100) }}",
    "join-method": "{{ ('x' * 100).join(range(10000)|map('string')) }}",
    "wordwrap-string": "{{ ('a' * 1000)|wordwrap(1, wrapstring='x' * 1000) }}",
    "truncate-end": "{{ 'a'|truncate(5, end='x' * 10**6) }}",
    "batch-fill": "{{ [1]|batch(10**9, 'x')|list }}",
    "slice-count": "{{ [1]|slice(10**9)|list }}",
    "sum-lists": "{{ [[1] * 1000] * 1000|sum(start=[]) }}",
    "list-doubling": "{% set ns = namespace(l=[1]) %}{% for i in range(60) %}"
    "{% set ns.l = [ns.l, ns.l] %}{% endfor %}{{ ns.l == ns.l[0] }}",
    "dict-doubling": "{% set ns = namespace(d=1) %}{% for i in range(60) %}"
    "{% set ns.d = dict(a=ns.d, b=ns.d) %}{% endfor %}{{ ns.d|length }}",
    "plus-doubling": "{% set ns = namespace(s='ab') %}{% for i in range(60) %}"
    "{% set ns.s = ns.s + ns.s %}{% endfor %}",
    "square-loop": "{% set ns = namespace(x=3) %}{% for i in range(60) %}"
    "{% set ns.x = ns.x * ns.x %}{% endfor %}{{ ns.x }}",
    "macro-fork": "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
    "{{ f(40) }}",
    "quiet-macro-fork": "{% macro f(n) %}{% if n %}{% set a = f(n - 1) %}{% set b = f(n - 1) %}"
    "{% endif %}{% endmacro %}{{ f(40) }}",
    "recursive-loop": "{% for x in [1] recursive %}{% for y in range(100000) %}{% endfor %}"
    "{{ loop(range(100)) }}{% endfor %}",
    "loop-of-text": "{% for i in range(100000) %}{% for j in range(100000) %}"
    + "Dear customer, " * 10
    + "{% endfor %}{% endfor %}",
    "set-block": "{% set x %}{% for i in range(99999) %}{{ 'y' * 900 }}{% endfor %}{% endset %}"
    "{{ x|length }}",
    "filter-block": "{% filter upper %}{% for i in range(99999) %}abc{% endfor %}{% endfilter %}",
    "reads": "{% for i in range(99999) %}{{ ('a' * 49000)|wordcount }}{% endfor %}",
    "strftime": "{{ today.strftime('%c' * 10000) }}",
    "expandtabs": "{{ '\\t'.expandtabs(10**9) }}",
    "to-bytes": "{{ (10**30).to_bytes(10**9, 'big') }}",
    "list-append": "{% set l = [] %}{% for i in range(60) %}{% set _ = l.extend(l) %}{% endfor %}",
    "int-filter": "{{ ('9' * 4000)|int * ('9' * 4000)|int }}",
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("source", BOMBS.values(), ids=BOMBS.keys())
def test_a_template_that_would_blow_up_is_refused_fast_in_one_line(source: str) -> None:
    assert re.fullmatch(r"bomb: body line 1: (refused: .+|nested too deeply)", refused(source))


def test_the_error_names_the_line_and_the_part() -> None:
    body = "Hello {{ customer.first_name }},\n\nyour order:\n{{ order.number|center(10**9) }}\n"
    assert refused(body) == (
        f"bomb: body line 4: refused: |center would make a text longer than {MAX_TEXT:,} characters"
    )
    template = Template(key="s", name="S", body="hi", subject="Re:\n{{ 'x' * 10**9 }}")
    with pytest.raises(TemplateError, match=r"^s: subject line 2: refused: \* would make"):
        render(template, TYPICAL)


def test_the_limits_are_what_docs_templates_md_says() -> None:
    docs = (Path(__file__).parents[1] / "docs" / "templates.md").read_text(encoding="utf-8")
    for number in (MAX_TEXT, MAX_WORK, MAX_STEPS):
        assert f"{number:,}" in docs


def test_a_reply_over_the_limit_is_refused_where_it_is_written() -> None:
    body = "line 1\n{% for i in range(2000) %}\n{{ 'x' * 40 }}\n{% endfor %}\n"
    assert refused(body) == (
        f"bomb: body line 3: refused: the reply would be longer than {MAX_TEXT:,} characters"
    )
    exactly = Template(key="k", name="K", body=f"{{{{ 'x' * {MAX_TEXT} }}}}")
    assert len(render(exactly, TYPICAL).body) == MAX_TEXT  # the limit itself is fine


# --- what a reply does need still works ------------------------------------------------------

EVERYDAY = """\
{% macro line(item) %}- {{ item.quantity }} × {{ item.title }}{% endmacro %}
Hello {{ customer.first_name|default('there')|title }},
{% for item in order.items %}
{{ line(item) }} ({{ '%.2f'|format(item.price) }} {{ order.currency }})
{% endfor %}
Total: {{ '{:>10}'.format(order.total) }} · {{ order.items|map(attribute='title')|join(', ') }}
{{ ('Order ' ~ order.number)|center(30) }} {{ '%05d' % ticket.id }} {{ 2 ** 64 }}
{{ today.strftime('%d.%m.%Y') }} {{ customer.name.upper() }} {{ ticket.subject.replace('?', '') }}
{{ order.items|length }} {{ [1, 2, 3]|sum }} {{ range(3)|list }} {{ 'ab' * 3 }}
{{ seller.signature|indent(2) }} {{ order.tracking_url|truncate(20) }}
"""


def test_everyday_templates_render_as_before() -> None:
    body = render(EVERYDAY, TYPICAL).body
    assert body.startswith("Hello Ayşe,\n- 2 × Peshtemal towel (19.90 EUR)\n- 1 × Olive oil")
    assert "Total:      46.30 · Peshtemal towel, Olive oil soap" in body
    assert "00042 18446744073709551616" in body
    assert "20.11.2026 AYŞE YILMAZ Where is my order" in body
    assert "2 6 [0, 1, 2] ababab" in body


def test_everyday_templates_with_the_longest_values_fit() -> None:
    body = render(EVERYDAY, LONGEST).body
    assert 20_000 < len(body) <= MAX_TEXT


# --- `templates check` ------------------------------------------------------------------------


def write(folder: Path, text: str) -> Path:
    path = folder / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_check_catches_every_bomb_naming_file_line_and_key(tmp_path: Path) -> None:
    entries = "".join(
        f"- key: b{n}\n  name: Bomb {n}\n  body: |\n    Hello\n    {source}\n"
        for n, source in enumerate(BOMBS.values())
    )
    path = write(tmp_path, entries + "- key: fine\n  name: Fine\n  body: Hi {{ customer.name }}\n")
    _, problems = check_library(path)
    stopped = [p for p in problems if re.search(r": (refused: |nested too deeply)", p)]
    assert len(stopped) == len(BOMBS), problems
    for n, problem in enumerate(stopped):
        assert problem.startswith(f"{path} line {5 * n + 5}: b{n}: body line 2: "), problem


def test_check_renders_with_the_longest_values_too(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "- key: listing\n  name: Listing\n  body: |\n"
        "    {% for item in order.items %}\n    {{ item.title * 3 }}\n    {% endfor %}\n",
    )
    _, problems = check_library(path)
    assert problems == [
        f"{path} line 5: listing: body line 2: refused: the reply would be longer than"
        f" {MAX_TEXT:,} characters (with the longest values)"
    ]


def test_check_from_the_command_line(tmp_path: Path) -> None:
    path = write(tmp_path, "- key: bomb\n  name: B\n  body: \"{{ 'a'|center(300000000) }}\"\n")
    config = tmp_path / "config.yaml"
    config.write_text(f"templates: {path}\n")
    result = run("--config", str(config), "templates", "check")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        f"inbox-tui: {path} line 3: bomb: body line 1: refused: |center would make a text longer"
        f" than {MAX_TEXT:,} characters (with nothing known)\n"
    )


def test_the_shipped_library_passes_the_check() -> None:
    library, problems = check_library(None)
    assert problems == [] and len(library) >= 10


# --- whatever a template is made of ----------------------------------------------------------

_VALUE = st.sampled_from(
    ["'ab'", "'a\\nb'", "customer.name", "order.items", "range(50)", "[1, 2]", "7", "ns.v", "''"]
)
_GROW = st.sampled_from(
    [
        " * 999",
        " ~ {v}",
        " + {v}",
        " % ({v},)",
        "|center(9999)",
        "|indent(999)",
        "|replace('', {v})",
        "|join({v})",
        "|wordwrap(1, wrapstring={v})",
        "|list",
        "|batch(99, {v})",
        "|slice(99)",
        "|string",
        "|tojson",
        ".__len__()",
        "|map('string')|join",
        "|format({v})",
        " ** 99",
    ]
)


@st.composite
def growing_templates(draw: st.DrawFn) -> str:
    """Values pushed through growing operations, in loops, a namespace feeding itself back."""
    expression = draw(_VALUE)
    for _ in range(draw(st.integers(1, 4))):
        expression = f"({expression}{draw(_GROW).format(v=draw(_VALUE))})"
    loops = draw(st.integers(0, 3))
    body = f"{{% set ns.v = {expression} %}}{{{{ ns.v }}}}"
    for depth in range(loops):
        body = f"{{% for i{depth} in range(300) %}}{body}{{% endfor %}}"
    return "{% set ns = namespace(v='x') %}" + body


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(growing_templates())
def test_whatever_grows_stays_within_the_limits(source: str) -> None:
    started = time.perf_counter()
    try:
        body = render(source, TYPICAL).body
    except TemplateError as exc:
        assert "\n" not in str(exc)
    else:
        assert len(body) <= MAX_TEXT
    assert time.perf_counter() - started < 3.0, source


def test_context_dates_and_numbers_are_plain_values() -> None:
    context = {**TYPICAL, "today": date(2026, 1, 5)}
    assert render("{{ today.isoweekday() }} {{ ticket.id * 2 }}", context).body == "1 84"


# --- in the composer, on the UI thread ---------------------------------------------------------


async def test_the_composer_shows_a_bomb_as_one_line_and_stays_usable(tmp_path: Path) -> None:
    from inbox_tui.config import parse_config
    from tests.test_composer import CONFIG, SIZE, build_inbox, make_app, notices, open_on

    write(tmp_path, "- key: bomb\n  name: Bomb\n  body: \"Hi\\n{{ 'a'|center(300000000) }}\"\n")
    config = parse_config(CONFIG + f"templates: {tmp_path / 'mine.yaml'}\n")
    store, ids = build_inbox(":memory:", tmp_path / "Mail")
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on(pilot, app, ids["wismo"])
        started = time.perf_counter()
        await pilot.press(*"bomb", "enter")
        await pilot.pause()
        assert time.perf_counter() - started < 3.0
        assert screen.template is None or screen.template.key != "bomb"
        expected = f"bomb: body line 2: refused: |center would make a text longer than {MAX_TEXT:,}"
        assert any(n.startswith(expected) for n in notices(app)), notices(app)
        await pilot.press("escape", "escape")  # the picker, the filter: it still answers
        await pilot.pause()
        assert app.is_running and store.conn.execute("SELECT 1").fetchone()[0] == 1
    store.close()
