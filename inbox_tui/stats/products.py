"""The products a shop sells, from the stored order lines, and which one a message names.

Pure. A product is keyed by its SKU (by its title when the shop has none) and named by the
title most order lines give it. A message with no linked order still names a product when its
words cover enough of that product's title words, each weighted by how few products share it
(so "linen" counts for more than "towel" in a shop of towels).
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from inbox_tui.suggest import stems

MATCH_SHARE = 0.5  # the share of a product's title weight a message must contain
MATCH_TEXT = 1500  # characters of a message read (the question is at its start)
_SEPARATOR = re.compile(r"\s*[,;:(\[/–—]|\s-\s")  # where a title's variant part begins


@dataclass(frozen=True, slots=True)
class Product:
    key: str  # the SKU, else the title
    name: str  # the title most order lines give it
    words: frozenset[str]  # the stems of all its titles


def catalogue(lines: Iterable[tuple[str, str, int]]) -> list[Product]:
    """Products from order lines (key, title, how many lines), sorted by key."""
    titles: dict[str, Counter[str]] = {}
    for key, title, count in lines:
        key, title = key.strip(), (title or key).strip()
        if key:
            titles.setdefault(key, Counter())[title] += count
    products = []
    for key, counted in sorted(titles.items()):
        name = _name(counted)
        words = frozenset(word for title in counted for word in stems(title))
        products.append(Product(key, name, words))
    return products


def _name(titles: Counter[str]) -> str:
    """What the titles share up to a separator ("Waffle bathrobe, size M" and "…, size L" are
    "Waffle bathrobe"), when that is most of a title; else the title most lines give."""
    common = _SEPARATOR.split(os.path.commonprefix(list(titles)))[0].strip()
    most = min(titles, key=lambda title: (-titles[title], len(title), title))
    if len(titles) > 1 and len(common) >= 0.4 * len(most) and " " in common:
        return common
    return most


def fingerprint(products: Sequence[Product]) -> str:
    """Changes when the products or their title words change (cached matches are then stale)."""
    digest = hashlib.sha256()
    for product in products:
        digest.update(f"{product.key}\0{' '.join(sorted(product.words))}\n".encode())
    return digest.hexdigest()[:16]


class ProductMatcher:
    """Finds the product a message names, by title words weighted by rarity among products."""

    def __init__(self, products: Sequence[Product]) -> None:
        shared = Counter(word for product in products for word in product.words)
        self.weight = {word: math.log(1 + len(products) / n) for word, n in shared.items()}
        self.products = [
            (product.key, product.words, sum(self.weight[w] for w in product.words))
            for product in products
            if product.words
        ]

    def match(self, text: str) -> str | None:
        """The key of the product `text` names, or None when none (or two equally) fit."""
        words = set(stems(text[:MATCH_TEXT]))
        if not words:
            return None
        scored = sorted(
            (
                (sum(self.weight[w] for w in own & words) / total, key)
                for key, own, total in self.products
                if own & words
            ),
            reverse=True,
        )
        if not scored or scored[0][0] < MATCH_SHARE:
            return None
        if len(scored) > 1 and math.isclose(scored[0][0], scored[1][0]):
            return None  # two products fit as well: say neither
        return scored[0][1]
