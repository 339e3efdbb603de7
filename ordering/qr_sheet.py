"""Printable table tents: one QR code per table, drawn as SVG.

Pure drawing, no database: give it the restaurant's name and each table's
label and guest link. A tent is a card folded across the middle, so each
half carries the same face and the upper one is drawn upside down; four
tents fit an A4 sheet. Only SVG presentation attributes are used (no inline
styles), so the drawing passes the site's content security policy inline.
"""

from dataclasses import dataclass
from html import escape

import segno

# Millimetres. A4 portrait, 2 × 2 tents of 99 × 140 (two 70 mm faces).
PAGE_W, PAGE_H = 210, 297
TENT_W, FACE_H = 99, 70
TENT_H = 2 * FACE_H
COLUMNS, ROWS = 2, 2
PER_PAGE = COLUMNS * ROWS
MARGIN_X = (PAGE_W - COLUMNS * TENT_W) / 2
MARGIN_Y = (PAGE_H - ROWS * TENT_H) / 2
QR_SIZE = 44
FONT = "Helvetica, Arial, sans-serif"
INK = "#1c2321"
# Guests may read any of the menu's languages, so the tent speaks all three.
TABLE_WORDS = "Pöytä · Bord · Table"
INSTRUCTIONS = ("Skannaa ja tilaa", "Skanna och beställ", "Scan to order")


@dataclass(frozen=True)
class Tent:
    label: str
    link: str


def _qr_path(link: str, *, x: float, y: float, size: float) -> str:
    """Return an SVG path drawing the link's QR code in a size × size square.

    Dark modules in a row are merged into one rectangle, which keeps the
    path short and the print free of hairline gaps.
    """
    # make_qr: never a Micro QR, which many phone cameras cannot read.
    code = segno.make_qr(link, error="m")
    matrix = code.matrix
    border = 2
    count = len(matrix) + 2 * border
    unit = size / count
    parts = []
    for row_index, row in enumerate(matrix):
        col = 0
        while col < len(row):
            if not row[col]:
                col += 1
                continue
            start = col
            while col < len(row) and row[col]:
                col += 1
            left = x + (start + border) * unit
            top = y + (row_index + border) * unit
            # A hair of overlap closes the seams some printers show.
            parts.append(
                f"M{left:.3f} {top:.3f}h{(col - start) * unit:.3f}"
                f"v{unit + 0.02:.3f}h{-(col - start) * unit:.3f}z"
            )
    return (
        f'<rect x="{x:.3f}" y="{y:.3f}" width="{size}" height="{size}" fill="#fff"/>'
        f'<path d="{"".join(parts)}" fill="{INK}"/>'
    )


def _text(x, y, text, *, size, weight="400", anchor="middle", fill=INK) -> str:
    return (
        f'<text x="{x:.2f}" y="{y:.2f}" font-family="{FONT}" font-size="{size:.2f}" '
        f'font-weight="{weight}" text-anchor="{anchor}" fill="{fill}">'
        f"{escape(text)}</text>"
    )


def _fit(text: str, *, width: float, largest: float) -> float:
    """Return a font size at which `text` fits `width` (0.6 em per character
    is a safe average for Helvetica's digits and capitals)."""
    return min(largest, width / (0.6 * max(len(text), 1)))


def _face(restaurant: str, tent: Tent) -> str:
    """One upright face, in a 0..TENT_W × 0..FACE_H box."""
    name_size = _fit(restaurant, width=TENT_W - 12, largest=6)
    right = 6 + QR_SIZE + 4
    middle = (right + TENT_W - 5) / 2
    label_size = _fit(tent.label, width=TENT_W - 5 - right, largest=24)
    parts = [
        _text(TENT_W / 2, 11, restaurant, size=name_size, weight="700"),
        _qr_path(tent.link, x=6, y=16, size=QR_SIZE),
        _text(middle, 27, TABLE_WORDS, size=3.2, fill="#5b6661"),
        _text(middle, 30 + label_size * 0.8, tent.label, size=label_size, weight="800"),
    ]
    for index, line in enumerate(INSTRUCTIONS):
        parts.append(_text(middle, 55 + index * 4.2, line, size=3))
    return "".join(parts)


def tent_svg(restaurant: str, tent: Tent) -> str:
    """Return one tent (both faces, fold and cut lines) as an SVG group."""
    face = _face(restaurant, tent)
    return (
        f'<rect x="0" y="0" width="{TENT_W}" height="{TENT_H}" fill="#fff" '
        'stroke="#b9b5aa" stroke-width="0.2"/>'
        # The upper face turned half a circle: upright once the card is folded.
        f'<g transform="rotate(180 {TENT_W / 2} {FACE_H / 2})">{face}</g>'
        f'<line x1="0" y1="{FACE_H}" x2="{TENT_W}" y2="{FACE_H}" stroke="#b9b5aa" '
        'stroke-width="0.2" stroke-dasharray="2 1.5"/>'
        f'<g transform="translate(0 {FACE_H})">{face}</g>'
    )


def pages(tents: list[Tent]) -> list[list[Tent]]:
    return [tents[i : i + PER_PAGE] for i in range(0, len(tents), PER_PAGE)] or [[]]


def page_svg(
    restaurant: str, tents: list[Tent], *, title: str, standalone: bool = False
) -> str:
    """Return one A4 page of up to four tents as an <svg> element.

    `standalone` adds the XML namespace a file needs; inline in HTML the
    element carries a class for the print stylesheet instead.
    """
    groups = []
    for index, tent in enumerate(tents[:PER_PAGE]):
        col, row = index % COLUMNS, index // COLUMNS
        x = MARGIN_X + col * TENT_W
        y = MARGIN_Y + row * TENT_H
        drawn = tent_svg(restaurant, tent)
        groups.append(f'<g transform="translate({x:.2f} {y:.2f})">{drawn}</g>')
    head = (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        if standalone
        else '<svg class="qr-page" '
    )
    return (
        f'{head}width="{PAGE_W}mm" height="{PAGE_H}mm" '
        f'viewBox="0 0 {PAGE_W} {PAGE_H}" role="img">'
        f"<title>{escape(title)}</title>"
        f'<rect width="{PAGE_W}" height="{PAGE_H}" fill="#fff"/>'
        f"{''.join(groups)}</svg>"
    )
