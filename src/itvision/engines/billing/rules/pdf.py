"""How a `Document` is drawn on A4 pages with ReportLab: the seller's block and the document's
title and number at the top, the buyer's block, the lines, the totals, the amount in words,
the payment terms, then the QR code that links to the document's verification page (segno)
and, on a quote, the "Bon pour accord" box. Every page ends with the seller's legal line and
its number.

The fonts are Bitstream Vera, shipped with ReportLab (every accented letter of French, the
no-break space), so a document renders the same on any machine."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from itvision.engines.billing.rules.documents import Document

INK = colors.HexColor("#1F2933")
ACCENT = colors.HexColor("#1F4E79")
SHADE = colors.HexColor("#EEF3F8")
RULE = colors.HexColor("#B8C4D0")
MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN

_FONTS = Path(reportlab.__file__).parent / "fonts"
REGULAR, BOLD, ITALIC = "Vera", "Vera-Bold", "Vera-Italic"


def _register_fonts() -> None:
    for name, file in ((REGULAR, "Vera.ttf"), (BOLD, "VeraBd.ttf"), (ITALIC, "VeraIt.ttf")):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(_FONTS / file)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC)


def _style(name: str, **options: Any) -> ParagraphStyle:
    base: dict[str, Any] = {"fontName": REGULAR, "fontSize": 8.5, "leading": 11, "textColor": INK}
    return ParagraphStyle(name, **{**base, **options})


def render_pdf(document: Document) -> bytes:
    """The document as a PDF file."""
    _register_fonts()
    out = io.BytesIO()
    pdf = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 8 * mm,
        title=f"{document.title} {document.number}",
        author=document.seller.name,
        lang=document.lang,
    )

    def footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.line(MARGIN, MARGIN + 5 * mm, A4[0] - MARGIN, MARGIN + 5 * mm)
        canvas.setFont(REGULAR, 7)
        canvas.setFillColor(INK)
        canvas.drawString(MARGIN, MARGIN + 1.5 * mm, document.footer)
        canvas.drawRightString(A4[0] - MARGIN, MARGIN + 1.5 * mm, f"{document.number} — {doc.page}")
        canvas.restoreState()

    pdf.build(_story(document), onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def _text(value: str) -> str:
    return escape(value).replace("\n", "<br/>")


def _story(document: Document) -> list[Flowable]:
    story: list[Flowable] = [_heading(document), Spacer(1, 6 * mm), _parties(document)]
    story += [Spacer(1, 6 * mm), _lines(document), Spacer(1, 3 * mm), _totals(document)]
    story += [Spacer(1, 4 * mm), Paragraph(_text(document.in_words), _style("w", fontName=ITALIC))]
    if document.terms:
        terms: list[Flowable] = []
        if document.terms_heading:
            terms.append(Paragraph(_text(document.terms_heading), _style("th", fontName=BOLD)))
        terms += [Paragraph(_text(line), _style("t")) for line in document.terms]
        story += [Spacer(1, 4 * mm), KeepTogether(terms)]
    if document.note:
        story += [Spacer(1, 3 * mm), Paragraph(_text(document.note), _style("n"))]
    story += [Spacer(1, 6 * mm), _closing(document)]
    return story


def _heading(document: Document) -> Table:
    seller = [
        Paragraph(_text(document.seller.name), _style("s", fontName=BOLD, fontSize=13, leading=17))
    ]
    seller += [Paragraph(_text(line), _style("sd")) for line in document.seller.details]
    right = _style("r", alignment=TA_RIGHT)
    title = [
        Paragraph(
            _text(document.title),
            _style(
                "title",
                fontName=BOLD,
                fontSize=20,
                leading=24,
                textColor=ACCENT,
                alignment=TA_RIGHT,
            ),
        ),
        Paragraph(
            f"<b>{_text(document.number)}</b>",
            _style("no", fontSize=11, leading=14, alignment=TA_RIGHT),
        ),
    ]
    colon = " : " if document.lang == "fr" else ": "
    title += [
        Paragraph(f"{_text(name)}{colon}<b>{_text(value)}</b>", right)
        for name, value in document.facts
    ]
    table = Table([[seller, title]], colWidths=[WIDTH * 0.58, WIDTH * 0.42])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 1.2, ACCENT),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4 * mm),
            ]
        )
    )
    return table


def _parties(document: Document) -> Table:
    buyer = [
        Paragraph(
            _text(document.buyer_heading).upper(),
            _style("bh", fontName=BOLD, fontSize=7.5, textColor=ACCENT),
        ),
        Paragraph(
            _text(document.buyer.name), _style("bn", fontName=BOLD, fontSize=10.5, leading=14)
        ),
    ]
    buyer += [Paragraph(_text(line), _style("bd")) for line in document.buyer.details]
    table = Table([["", buyer]], colWidths=[WIDTH * 0.5, WIDTH * 0.5])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (1, 0), (1, 0), 0.8, RULE),
                ("BACKGROUND", (1, 0), (1, 0), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (1, 0), (1, 0), 3 * mm),
                ("TOPPADDING", (1, 0), (1, 0), 2 * mm),
                ("BOTTOMPADDING", (1, 0), (1, 0), 3 * mm),
            ]
        )
    )
    return table


def _lines(document: Document) -> Table:
    """Reference, description, quantity, then amounts: an amount never wraps."""
    head = _style("h", fontName=BOLD, fontSize=8, textColor=colors.white)
    head_right = _style("hr", fontName=BOLD, fontSize=8, textColor=colors.white, alignment=TA_RIGHT)
    cell, cell_right = _style("c"), _style("cr", alignment=TA_RIGHT)
    first = document.numeric_from
    rows: list[list[Any]] = [
        [
            Paragraph(_text(c), head_right if i >= first else head)
            for i, c in enumerate(document.columns)
        ]
    ]
    rows += [
        [Paragraph(_text(c), cell_right if i >= first else cell) for i, c in enumerate(row)]
        for row in document.rows
    ]
    amounts = len(document.columns) - 3
    widths = [WIDTH * 0.11, WIDTH * (0.83 - 0.17 * amounts), WIDTH * 0.06]
    table = Table(rows, colWidths=[*widths, *[WIDTH * 0.17] * amounts], repeatRows=1)
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    style += [("BACKGROUND", (0, i), (-1, i), SHADE) for i in range(2, len(rows), 2)]
    table.setStyle(TableStyle(style))
    return table


def _totals(document: Document) -> Table:
    rows = []
    for total in document.totals:
        weight = BOLD if total.emphasis else REGULAR
        rows.append(
            [
                Paragraph(_text(total.label), _style("tl", fontName=weight)),
                Paragraph(_text(total.amount), _style("ta", fontName=weight, alignment=TA_RIGHT)),
            ]
        )
    table = Table(rows, colWidths=[WIDTH * 0.25, WIDTH * 0.2], hAlign="RIGHT")
    style = [
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    style += [
        ("BACKGROUND", (0, i), (-1, i), SHADE)
        for i, total in enumerate(document.totals)
        if total.emphasis
    ]
    table.setStyle(TableStyle(style))
    return table


def _qr(url: str) -> Image:
    png = io.BytesIO()
    segno.make(url, error="m").save(png, kind="png", scale=8, border=1)
    png.seek(0)
    return Image(png, width=28 * mm, height=28 * mm)


def _closing(document: Document) -> Flowable:
    left: list[Any] = []
    if document.qr_url:
        left = [
            _qr(document.qr_url),
            Paragraph(_text(document.qr_caption), _style("q", fontSize=7)),
        ]
    right: list[Any] = []
    if document.signature:
        right = [Paragraph(_text(document.signature), _style("sig", fontSize=8))]
    table = Table([[left, right]], colWidths=[WIDTH * 0.45, WIDTH * 0.55], rowHeights=[36 * mm])
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (0, 0), 0),
    ]
    if document.signature:
        style.append(("BOX", (1, 0), (1, 0), 0.8, RULE))
    table.setStyle(TableStyle(style))
    return KeepTogether([table])
