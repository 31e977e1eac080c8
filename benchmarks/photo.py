"""Phone-style JPEG photos for the benchmark corpus: real baseline JPEGs, made without a library.

A buyer's photo of a damaged parcel: a lit cardboard box on a floor, a dent, sensor noise. The
encoder is plain JFIF/Exif baseline (ITU T.81 Annex K tables, 4:4:4), slow but only run for a
small pool; each message's copy gets its own Exif date and unique id, as phone photos have.
"""

from __future__ import annotations

import math
import random
import struct
from functools import cache
from operator import mul

# Annex K luminance and chrominance quantisation tables (quality 50), in natural order.
_Q_LUMA = [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57]
_Q_LUMA += [69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55]
_Q_LUMA += [64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100]
_Q_LUMA += [103, 99]
_Q_CHROMA = [17, 18, 24, 47] + [99] * 4 + [18, 21, 26, 66] + [99] * 4 + [24, 26, 56] + [99] * 5
_Q_CHROMA += [47, 66] + [99] * 38
_ZIGZAG = sorted(
    range(64), key=lambda i: (i // 8 + i % 8, i // 8 if (i // 8 + i % 8) % 2 else i % 8)
)

# Annex K Huffman tables: (counts of codes per length 1..16, symbols).
_DC_LUMA = ([0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], list(range(12)))
_DC_CHROMA = ([0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], list(range(12)))
_AC_LUMA = (
    [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D],
    bytes.fromhex(
        "01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a"
        "25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a"
        "838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9ca"
        "d2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa"
    ),
)
_AC_CHROMA = (
    [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
    bytes.fromhex(
        "000102031104052131061241510761711322328108144291a1b1c109233352f0156272d10a162434e125f11718"
        "191a262728292a35363738393a434445464748494a535455565758595a636465666768696a737475767778797a"
        "82838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9ca"
        "d2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9fa"
    ),
)
_COS = [[math.cos((2 * x + 1) * u * math.pi / 16) * (0.5 / math.sqrt(2) if u == 0 else 0.5)]
        for u in range(8) for x in range(8)]  # fmt: skip
_COS = [[_COS[u * 8 + x][0] for x in range(8)] for u in range(8)]

# The pool: (width, height, quality, noise) chosen so the photos span about 20-80 KB.
_POOL = [(320, 240, 80, 10), (336, 252, 82, 11), (352, 264, 85, 12), (400, 300, 85, 12)]
_POOL += [(416, 312, 86, 12)]


def photo(rnd: random.Random, when: str) -> bytes:
    """A 20-80 KB JPEG from the pool with this message's own Exif date and unique id."""
    base = _pool_photo(rnd.randrange(len(_POOL)))
    unique = rnd.randbytes(16).hex().upper()
    return base[:2] + _exif(when, unique) + base[2:]


@cache
def _pool_photo(index: int) -> bytes:
    width, height, quality, noise = _POOL[index]
    return encode(_parcel(width, height, noise, random.Random(index)), width, height, quality)


def _parcel(width: int, height: int, noise: int, rnd: random.Random) -> list[tuple[int, ...]]:
    """RGB rows: a floor, a cardboard box with tape and a dent, light from one side, noise."""
    rows = []
    left, right, top, bottom = width // 5, width * 4 // 5, height // 4, height * 4 // 5
    dent_x, dent_y, dent_r = right - width // 8, top + height // 6, width // 12
    for y in range(height):
        row = []
        for x in range(width):
            light = 1.1 - 0.5 * x / width
            if left <= x < right and top <= y < bottom:
                r, g, b = 190, 150, 100  # cardboard
                if abs(x - (left + right) // 2) < width // 30:
                    r, g, b = 210, 200, 170  # tape
                d = math.hypot(x - dent_x, y - dent_y)
                if d < dent_r:
                    light *= 0.6 + 0.4 * d / dent_r
            else:
                r, g, b = 120 + (x * 7 + y * 3) % 40, 110, 100  # floorboards
            row += [max(0, min(255, int(c * light + rnd.gauss(0, noise)))) for c in (r, g, b)]
        rows.append(tuple(row))
    return rows


def encode(rows: list[tuple[int, ...]], width: int, height: int, quality: int) -> bytes:
    """Baseline JPEG (JFIF, 4:4:4, Annex K Huffman tables) of RGB rows."""
    scale = 5000 // quality if quality < 50 else 200 - 2 * quality
    tables = [
        [max(1, min(255, (q * scale + 50) // 100)) for q in base] for base in (_Q_LUMA, _Q_CHROMA)
    ]
    out = bytearray(b"\xff\xd8")
    out += _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    for index, table in enumerate(tables):
        out += _segment(0xDB, bytes([index]) + bytes(table[i] for i in _ZIGZAG))
    components = b"".join(bytes([c, 0x11, min(c - 1, 1)]) for c in (1, 2, 3))
    out += _segment(0xC0, struct.pack(">BHHB", 8, height, width, 3) + components)
    for klass, index, (counts, symbols) in (
        (0, 0, _DC_LUMA),
        (1, 0, _AC_LUMA),
        (0, 1, _DC_CHROMA),
        (1, 1, _AC_CHROMA),
    ):
        out += _segment(0xC4, bytes([klass << 4 | index, *counts, *symbols]))
    out += _segment(0xDA, b"\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00")
    out += _scan(rows, width, height, tables)
    return bytes(out + b"\xff\xd9")


def _segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def _exif(when: str, unique: str) -> bytes:
    """An APP1 Exif segment with Make, Model, DateTimeOriginal and ImageUniqueID."""
    entries = [
        (0x010F, b"Phone\x00"),
        (0x0110, b"Camera 12\x00"),
        (0x0132, when.encode() + b"\x00"),
    ]
    entries.append((0xA420, unique.encode() + b"\x00"))
    ifd = struct.pack("<H", len(entries))
    data = b""
    offset = 8 + 2 + 12 * len(entries) + 4
    for tag, value in entries:
        ifd += struct.pack("<HHII", tag, 2, len(value), offset + len(data))
        data += value
    return _segment(0xE1, b"Exif\x00\x00II*\x00" + struct.pack("<I", 8) + ifd + b"\0\0\0\0" + data)


def _scan(rows, width: int, height: int, tables: list[list[int]]) -> bytes:
    """Entropy-coded data: each 8x8 block of Y, Cb, Cr in turn, DCT, quantised, Huffman coded."""
    codes = [
        (_huffman(*_DC_LUMA), _huffman(*_AC_LUMA)),
        (_huffman(*_DC_CHROMA), _huffman(*_AC_CHROMA)),
    ]
    writer = _Bits()
    previous_dc = [0, 0, 0]
    for by in range(0, height, 8):
        for bx in range(0, width, 8):
            planes: list[list[float]] = [[], [], []]
            for y in range(by, by + 8):
                row = rows[min(y, height - 1)]
                for x in range(bx, bx + 8):
                    i = 3 * min(x, width - 1)
                    r, g, b = row[i], row[i + 1], row[i + 2]
                    planes[0].append(0.299 * r + 0.587 * g + 0.114 * b - 128)
                    planes[1].append(-0.1687 * r - 0.3313 * g + 0.5 * b)
                    planes[2].append(0.5 * r - 0.4187 * g - 0.0813 * b)
            for c, plane in enumerate(planes):
                table = tables[min(c, 1)]
                coeffs = _dct(plane)
                quantised = [round(coeffs[z] / table[z]) for z in _ZIGZAG]
                dc, ac = codes[min(c, 1)]
                _write_block(writer, quantised, quantised[0] - previous_dc[c], dc, ac)
                previous_dc[c] = quantised[0]
    return writer.finish()


def _dct(block: list[float]) -> list[float]:
    """The 2-D DCT-II of a block in natural order, rows then columns."""
    rows = [[sum(map(mul, cu, block[y * 8 : y * 8 + 8])) for cu in _COS] for y in range(8)]
    columns = list(zip(*rows, strict=True))
    return [sum(map(mul, cv, column)) for cv in _COS for column in columns]


def _write_block(writer: _Bits, quantised: list[int], diff: int, dc: dict, ac: dict) -> None:
    size = abs(diff).bit_length()
    writer.put(*dc[size])
    writer.put(_magnitude(diff, size), size)
    zeros = 0
    for value in quantised[1:]:
        if value == 0:
            zeros += 1
            continue
        while zeros > 15:
            writer.put(*ac[0xF0])
            zeros -= 16
        size = abs(value).bit_length()
        writer.put(*ac[zeros << 4 | size])
        writer.put(_magnitude(value, size), size)
        zeros = 0
    if zeros:
        writer.put(*ac[0x00])


def _magnitude(value: int, size: int) -> int:
    return value if value >= 0 else value + (1 << size) - 1


def _huffman(counts: list[int], symbols) -> dict[int, tuple[int, int]]:
    """Symbol -> (code, length) for a table given as counts per code length."""
    table, code, index = {}, 0, 0
    for length, count in enumerate(counts, 1):
        for _ in range(count):
            table[symbols[index]] = (code, length)
            code, index = code + 1, index + 1
        code <<= 1
    return table


class _Bits:
    """Bits to bytes, with the 0xFF byte stuffing JPEG requires."""

    def __init__(self) -> None:
        self.out = bytearray()
        self.value = self.count = 0

    def put(self, code: int, length: int) -> None:
        self.value = (self.value << length) | code
        self.count += length
        while self.count >= 8:
            self.count -= 8
            byte = (self.value >> self.count) & 0xFF
            self.out.append(byte)
            if byte == 0xFF:
                self.out.append(0)
        self.value &= (1 << self.count) - 1

    def finish(self) -> bytes:
        if self.count:
            self.put((1 << (8 - self.count)) - 1, 8 - self.count)  # pad with 1 bits
        return bytes(self.out)
