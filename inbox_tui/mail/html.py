"""HTML mail bodies to readable plain text (inscriptis), with link targets kept visible."""

from __future__ import annotations

import html as html_entities
import re

from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.html_engine import Inscriptis
from inscriptis.model.config import ParserConfig
from lxml import etree
from lxml.html import HTMLParser, document_fromstring

from inbox_tui.sanitize import clean_text

# The strict profile does not indent nested <div>s; HTML mail nests them deeply for layout.
_CONFIG = ParserConfig(css=CSS_PROFILES["strict"])
# Long reply chains nest blockquotes past libxml2's default depth limit (256), which silently
# drops the inner text; huge_tree raises it to 2048.
_PARSER = HTMLParser(huge_tree=True)

# Elements whose text is never content. inscriptis hides script/style itself; removing them
# before layout also keeps them out if a style attribute tries to make them visible.
_NEVER_SHOWN = ("script", "style", "template", "head", "title")

# Preheaders and tracking text hidden with inline CSS (`display:none !important`, which
# inscriptis does not honour because of the `!important`), or with Outlook's mso-hide.
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|mso-hide\s*:\s*all|visibility\s*:\s*hidden", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
# libxml2 drops everything after </html>, where mailing lists append their footers and some
# clients put a second document; browsers keep it in the body, and so do we.
_DOCUMENT_END = re.compile(r"</\s*(?:body|html)\s*>", re.I)
# inscriptis lays out tables in Python; past this size a plain tag strip is the sane choice.
_MAX_LAYOUT_CHARS = 1_000_000
_STYLED = etree.XPath("//*[@style or @hidden]")
_SHOWN_SCHEMES = ("http://", "https://", "mailto:", "ftp://", "tel:")

# Last resort when lxml cannot build a tree: drop invisible blocks and tags, decode entities.
# An unclosed block runs to the end (as in a browser); that also keeps these linear in time.
_INVISIBLE_BLOCK = re.compile(
    r"<(script|style|head|title|template)\b.*?(?:</\1\s*>|\Z)", re.I | re.S
)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_BREAK_TAG = re.compile(r"<\s*(?:br|/p|/div|/tr|/h[1-6]|/li)\b[^<>]*>", re.I)
_TAG = re.compile(r"<[^<>]*>")


def html_to_text(html: str) -> str:
    """Render an HTML body as plain text: no tags, no script/style, entities decoded.

    Links whose text differs from their target read as ``text (https://target)``. The result is
    not yet sanitised for the terminal; callers pass it through `sanitize.clean_body`.
    """
    # Controls confuse lxml (NUL ends the document) and never matter to the layout.
    html = _XML_DECLARATION.sub("", clean_text(html), count=1)
    if not html.strip():
        return ""
    if len(html) > _MAX_LAYOUT_CHARS:
        return _strip_tags(html)
    html = _DOCUMENT_END.sub("", html)
    try:
        tree = document_fromstring(html, parser=_PARSER)
        parsed_any_text = bool(tree.text_content().strip())
        _prepare(tree)
        text = Inscriptis(tree, _CONFIG).get_text()
    except (etree.ParserError, RecursionError, ValueError, TypeError, AttributeError):
        return _strip_tags(html)  # no tree, or one nested too deep to lay out
    if not parsed_any_text:  # libxml2 gave up on something (e.g. nesting past 2048)
        return _strip_tags(html)
    return text


def _prepare(tree: etree._Element) -> None:
    """Remove what a mail client would not show; write link targets after their text."""
    etree.strip_elements(tree, *_NEVER_SHOWN, with_tail=False)
    hidden = [
        element
        for element in _STYLED(tree)
        if element.get("hidden") is not None or _HIDDEN_STYLE.search(element.get("style", ""))
    ]
    for element in hidden:
        if element.getparent() is not None:
            element.drop_tree()
    for link in tree.iter("a"):
        href = " ".join((link.get("href") or "").split())
        if not href.lower().startswith(_SHOWN_SCHEMES):
            continue  # anchors, javascript:, relative links: nothing the reader can use
        label = " ".join(link.text_content().split())
        if not label or _same_target(label, href):
            continue
        link.tail = f" ({href})" + (link.tail or "")


def _same_target(label: str, href: str) -> bool:
    """Whether a link's text already shows its target (``example.com`` for ``https://…/``)."""

    def bare(value: str) -> str:
        value = value.lower().rstrip("/")
        for prefix in ("mailto:", "tel:", "https://", "http://", "ftp://", "www."):
            value = value.removeprefix(prefix)
        return value

    return bare(label) == bare(href)


def _strip_tags(html: str) -> str:
    html = _COMMENT.sub("", html)
    html = _INVISIBLE_BLOCK.sub("", html)
    html = _BREAK_TAG.sub("\n", html)
    return html_entities.unescape(_TAG.sub("", html))
