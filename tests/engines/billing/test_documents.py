"""The PDF documents, as a customer downloads them: each renders a first page that is not
blank (pypdfium2 draws it), and says what a West-African commercial document says, in French
or in English."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageStat

from tests.engines.billing.support import CUSTOMER, cancel, confirm, place, settled
from tests.engines.billing.test_api import quote_body


def first_page(pdf: bytes) -> tuple[Image.Image, str]:
    """The first page as an image, and its text."""
    document = pdfium.PdfDocument(pdf)
    page = document[0]
    image = page.render(scale=1).to_pil().convert("L")
    text = page.get_textpage().get_text_range()
    return image, text


def ink(image: Image.Image) -> float:
    """The share of the page that is not white."""
    dark = sum(count for level, count in enumerate(image.histogram()) if level < 200)
    return dark / (image.width * image.height)


def assert_not_blank(image: Image.Image) -> None:
    assert image.size[0] > 500 and image.size[1] > 700  # A4 at 72 dpi
    assert ink(image) > 0.02, "the page is (nearly) blank"
    top = image.crop((0, 0, image.width, image.height // 4))
    assert ImageStat.Stat(top).extrema[0][0] < 100, "no heading drawn"


async def _download(api, path: str, lang: str) -> tuple[Image.Image, str]:
    response = await api.get(path, params={"lang": lang}, role="customer", subject=CUSTOMER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return first_page(response.content)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "fr",
            [
                "DEVIS",
                "NINEA",
                "Total TTC",
                "Arrêté le présent devis à la somme de",
                "quatre millions six cent soixante-six mille neuf cents francs CFA",
                "4\u00a0666\u00a0900\u00a0F\u00a0CFA",
                "Bon pour accord",
            ],
        ),
        ("en", ["QUOTE", "Total incl. VAT", "four million, six hundred and sixty-six thousand"]),
    ],
)
async def test_a_quote_in_french_and_english(api, catalog, lang, said):
    response = await api.post("/api/billing/quotes", json=quote_body(), role="staff")
    quote = response.json()
    image, text = await _download(api, f"/api/billing/quotes/{quote['id']}/pdf", lang)
    assert_not_blank(image)
    flat = " ".join(text.split())
    for words in said:
        assert " ".join(words.split()) in flat, words
    assert quote["number"] in text


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_an_invoice_and_its_credit_note(api, system, lang):
    await place(system, "CMD-PDF")
    await confirm(system, "CMD-PDF")
    await cancel(system, "CMD-PDF")
    await settled(system)
    [invoice] = (await api.get("/api/billing/invoices", role="staff")).json()["items"]
    [credit] = (await api.get("/api/billing/credit-notes", role="staff")).json()["items"]

    image, text = await _download(api, f"/api/billing/invoices/{invoice['id']}/pdf", lang)
    assert_not_blank(image)
    flat = " ".join(text.split())
    assert invoice["number"] in flat and "NINEA" in flat and "Awa Ndiaye" in flat
    assert "609 400 F CFA" in flat
    if lang == "fr":
        assert "FACTURE" in flat and "TVA 18 %" in flat and "Net à payer TTC" in flat
        assert "six cent neuf mille quatre cents francs CFA" in flat
        assert "Payable à la commande par Wave." in flat
    else:
        assert "INVOICE" in flat and "VAT 18 %" in flat

    image, text = await _download(api, f"/api/billing/credit-notes/{credit['id']}/pdf", lang)
    assert_not_blank(image)
    flat = " ".join(text.split())
    assert credit["number"] in flat and invoice["number"] in flat
    assert ("AVOIR" if lang == "fr" else "CREDIT NOTE") in flat
