"""What a hostile client can make the server read: bodies over the limit are refused from their
length or as soon as they pass it, a route that needs a role refuses an anonymous body without
reading it, and only the routes that need more (the CSV import) accept more."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from tests.conftest import settings_for_tests

LIMIT = 16 * 1024
CHUNK = 4 * 1024
HUGE = 23 * 1024 * 1024


@pytest.fixture
def backend_settings(tmp_path):
    return settings_for_tests(tmp_path, max_body_bytes=LIMIT)


class CountedBody:
    """A request body produced on demand, counting how many chunks the server pulled."""

    def __init__(self, size: int, chunk: int = CHUNK) -> None:
        self.size, self.chunk, self.pulled = size, chunk, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(0, self.size, self.chunk):
            self.pulled += 1
            yield b" " * self.chunk


def refused(response, status: int, code: str, field: str | None = "body") -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["code"], body.get("field")) == (code, field), body
    return body


async def test_a_body_longer_than_the_limit_is_refused_from_its_length_without_reading_it(api):
    body = CountedBody(HUGE)
    started = time.monotonic()
    response = await api.post(
        "/api/pricing/quotes",
        content=body,
        headers={"content-type": "application/json", "content-length": str(HUGE)},
    )
    assert time.monotonic() - started < 1
    problem = refused(response, 413, "payload_too_large")
    assert problem["detail"] == "the body is larger than this route accepts (16 KB)"
    assert response.headers["connection"] == "close"
    assert body.pulled == 0


async def test_a_body_without_a_length_is_refused_once_it_passes_the_limit(api):
    body = CountedBody(HUGE)
    response = await api.post(
        "/api/pricing/quotes", content=body, headers={"content-type": "application/json"}
    )
    refused(response, 413, "payload_too_large")
    assert body.pulled <= LIMIT // CHUNK + 1


@pytest.mark.parametrize("with_length", [True, False], ids=["content-length", "chunked"])
async def test_an_anonymous_body_to_a_staff_route_is_a_401_without_reading_it(api, with_length):
    body = CountedBody(HUGE)
    headers = {"content-type": "application/json"}
    if with_length:
        headers["content-length"] = str(HUGE)
    response = await api.post("/api/catalog/products", content=body, headers=headers)
    refused(response, 401, "unauthenticated", field=None)
    assert response.headers["www-authenticate"] == "Bearer"
    assert body.pulled == 0

    bad_token = CountedBody(HUGE)
    headers["authorization"] = "Bearer not-a-token"
    response = await api.post("/api/catalog/products", content=bad_token, headers=headers)
    refused(response, 401, "unauthenticated", field=None)
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert bad_token.pulled == 0


async def test_a_caller_of_the_wrong_role_is_refused_before_the_body_is_read(api):
    body = CountedBody(HUGE)
    response = await api.post(
        "/api/catalog/products",
        content=body,
        headers={"content-type": "application/json"},
        role="customer",
    )
    refused(response, 403, "forbidden", field=None)
    assert body.pulled == 0


async def test_the_right_caller_with_a_body_within_the_limit_is_served(api):
    created = await api.post(
        "/api/catalog/categories", json={"name_fr": "Portables", "slug": "portables"}, role="staff"
    )
    assert created.status_code == 201, created.text


async def test_the_import_accepts_a_file_larger_than_the_default_limit(api):
    rows = "".join(f"IMP-{i};Produit {i};HP;nulle-part;;neuf;;;;;;1000;;;\n" for i in range(800))
    sheet = (
        "SKU;Nom;Marque;Catégorie;Statut;État;Grade;RAM (Go);Stockage;Écran;Garantie;"
        "Coût d'achat;sku_parent;options;Remarque\n" + rows
    ).encode()
    assert len(sheet) > 2 * LIMIT
    response = await api.post(
        "/api/catalog/imports?dry_run=true",
        content=sheet,
        headers={"content-type": "text/csv"},
        role="staff",
    )
    assert response.status_code == 200, response.text
    assert response.json()["rows"] == 800

    too_big = CountedBody(HUGE)
    response = await api.post(
        "/api/catalog/imports",
        content=too_big,
        headers={"content-type": "text/csv", "content-length": str(HUGE)},
        role="staff",
    )
    assert refused(response, 413, "payload_too_large")["detail"].endswith("(10 MB)")
    assert too_big.pulled == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'{"lines": [{"sku": "caf\xe9", "quantity": 1}]}',
            "the body is not valid UTF-8 (byte 23)",
        ),
        (b"[" * 5000 + b"]" * 5000, "the JSON body is nested too deeply"),
        (b'{\n  "lines": [1,\n  ]\n}', "invalid JSON at line 3, column 3: Expecting value"),
    ],
    ids=["not-utf8", "too-deep", "syntax"],
)
async def test_a_body_that_is_not_json_says_why_on_the_body_field(api, content, message):
    response = await api.post(
        "/api/pricing/quotes", content=content, headers={"content-type": "application/json"}
    )
    problem = refused(response, 422, "validation_error")
    assert problem["detail"] == f"body: {message}"
    assert problem["errors"] == [{"field": "body", "message": message, "type": "json_invalid"}]
