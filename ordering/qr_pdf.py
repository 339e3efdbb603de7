"""The table-tent sheet as a PDF, for printers and print shops that want a
file rather than a browser's print dialog.

Drawn with Pillow at 300 dpi on the same layout as `ordering.qr_sheet` (A4,
four tents a page, the upper face upside down), one black-and-white image a page.
QR modules are whole pixels, so the codes print sharp. The text needs a
TrueType font with the Nordic letters (Liberation Sans or DejaVu Sans, as
Debian's fonts-liberation and fonts-dejavu-core install them); without one
`pdf_available()` is false and the back office offers SVG and printing only.
"""

import functools
import io
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont

from ordering import qr_sheet
from ordering.qr_sheet import Tent

DPI = 300
INK = 28  # the near-black of the SVG's #1c2321, as grey
MUTED = 95


def _px(millimetres: float) -> int:
    return round(millimetres / 25.4 * DPI)


# Regular and bold faces, first found wins. Liberation Sans has Helvetica's
# metrics, which the SVG's layout was measured for.
FONTS = [
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
]


@functools.cache
def _font_files() -> tuple[str, str] | None:
    for regular, bold in FONTS:
        if Path(regular).is_file() and Path(bold).is_file():
            return regular, bold
    return None


def pdf_available() -> bool:
    """Whether the sheet can be written as a PDF: always, since Pillow's own
    font stands in where the server has none of ours."""
    return True


@functools.cache
def _font(size_mm: float, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    size = max(_px(size_mm), 8)
    files = _font_files()
    if files is None:
        # Pillow's bundled face (no bold): the tents still print, plainer.
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(files[1] if bold else files[0], size)


def _qr(draw: ImageDraw.ImageDraw, link: str, *, x: int, y: int, size: int) -> None:
    matrix = segno.make_qr(link, error="m").matrix
    border = 2
    count = len(matrix) + 2 * border
    unit = size // count  # whole pixels per module
    left = x + (size - unit * count) // 2 + border * unit
    top = y + (size - unit * count) // 2 + border * unit
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                x0 = left + col_index * unit
                y0 = top + row_index * unit
                draw.rectangle([x0, y0, x0 + unit - 1, y0 + unit - 1], fill=0)


def _text(draw, x_mm, y_mm, text, *, size, bold=False, fill=INK) -> None:
    draw.text(
        (_px(x_mm), _px(y_mm)),
        text,
        font=_font(size, bold),
        fill=fill,
        anchor="ms",  # centred on x, standing on the baseline y, as in the SVG
    )


def _face(restaurant: str, tent: Tent) -> Image.Image:
    face = Image.new("L", (_px(qr_sheet.TENT_W), _px(qr_sheet.FACE_H)), 255)
    draw = ImageDraw.Draw(face)
    width = qr_sheet.TENT_W
    right = 6 + qr_sheet.QR_SIZE + 4
    middle = (right + width - 5) / 2
    name_size = qr_sheet._fit(restaurant, width=width - 12, largest=6)
    label_size = qr_sheet._fit(tent.label, width=width - 5 - right, largest=24)
    _text(draw, width / 2, 11, restaurant, size=name_size, bold=True)
    _qr(draw, tent.link, x=_px(6), y=_px(16), size=_px(qr_sheet.QR_SIZE))
    _text(draw, middle, 27, qr_sheet.TABLE_WORDS, size=3.2, fill=MUTED)
    _text(draw, middle, 30 + label_size * 0.8, tent.label, size=label_size, bold=True)
    for index, line in enumerate(qr_sheet.INSTRUCTIONS):
        _text(draw, middle, 55 + index * 4.2, line, size=3)
    return face


def _tent(restaurant: str, tent: Tent) -> Image.Image:
    face = _face(restaurant, tent)
    card = Image.new("L", (face.width, face.height * 2), 255)
    card.paste(face.rotate(180), (0, 0))
    card.paste(face, (0, face.height))
    draw = ImageDraw.Draw(card)
    # Black hairlines: the page is stored as black and white (below), where
    # a grey line would vanish.
    light = 0
    draw.rectangle([0, 0, card.width - 1, card.height - 1], outline=light, width=1)
    dash, gap = _px(2), _px(1.5)
    for x in range(0, card.width, dash + gap):  # the fold
        draw.line(
            [x, face.height, min(x + dash, card.width), face.height],
            fill=light,
            width=2,
        )
    return card


def sheet_pdf(restaurant: str, tents: list[Tent], *, title: str) -> bytes:
    """Return A4 pages of up to four tents each as one PDF."""
    pages = []
    for chunk in qr_sheet.pages(tents):
        page = Image.new("L", (_px(qr_sheet.PAGE_W), _px(qr_sheet.PAGE_H)), 255)
        for index, tent in enumerate(chunk):
            col, row = index % qr_sheet.COLUMNS, index // qr_sheet.COLUMNS
            x = qr_sheet.MARGIN_X + col * qr_sheet.TENT_W
            y = qr_sheet.MARGIN_Y + row * qr_sheet.TENT_H
            page.paste(_tent(restaurant, tent), (_px(x), _px(y)))
        # One bit a pixel, stored losslessly (CCITT G4): sharp QR modules and
        # a small file, where greyscale would be saved as JPEG.
        pages.append(page.convert("1", dither=Image.Dither.NONE))
    out = io.BytesIO()
    pages[0].save(
        out,
        "PDF",
        resolution=DPI,
        save_all=True,
        append_images=pages[1:],
        title=title,
        author=restaurant,
    )
    return out.getvalue()
