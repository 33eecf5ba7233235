"""Input that reaches the database: text PostgreSQL cannot store (NUL, lone surrogates) is a
422 naming the field whatever the content type says, on SQLite and PostgreSQL alike; a body is
read only in a media type its route documents (415 otherwise); `true`/`false` is a boolean."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import COMBINATIONS
from tests.engines.catalog.conftest import events, laptop
from tests.support.api import every_mounted_route

pytestmark = pytest.mark.parametrize("backend_settings", COMBINATIONS[:2], indirect=True)

JSON_ALIKE = ["application/json", "Application/JSON", "application/json; charset=UTF-8"]
UNDOCUMENTED = ["application/vnd.api+json", "application/merge-patch+json", "text/plain"]


def raw(body: dict) -> bytes:
    """`body` as JSON text, with escapes as a client writes them ("\\u0000")."""
    return json.dumps(body).encode()


CART = {"lines": [{"sku": "A-1", "product_id": "p1", "quantity": 1, "unit_price": 1000}]}


@pytest.mark.parametrize("content_type", JSON_ALIKE)
async def test_a_nul_in_a_promo_code_is_a_422_for_anyone(api, content_type):
    response = await api.post(
        "/api/promotions/evaluate",
        content=raw({**CART, "codes": ["AB\u0000C"]}),
        headers={"content-type": content_type},
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["field"] == "body.codes.0"
    fine = await api.post("/api/promotions/evaluate", json={**CART, "codes": ["ABC"]})
    assert fine.status_code == 200


@pytest.mark.parametrize("content_type", UNDOCUMENTED)
async def test_a_body_in_an_undocumented_media_type_is_a_415(api, content_type):
    for url, body, role in (
        ("/api/promotions/evaluate", {**CART, "codes": ["AB\u0000C"]}, None),
        ("/api/catalog/categories", {"name_fr": "Informatique"}, "staff"),
    ):
        response = await api.post(
            url, content=raw(body), headers={"content-type": content_type}, role=role
        )
        assert response.status_code == 415, (url, response.text)
        assert response.json()["code"] == "unsupported_media_type"
    listed = await api.get("/api/catalog/categories", role="staff")
    assert listed.json() == []


async def test_a_body_without_a_content_type_is_a_415(api):
    response = await api.post(
        "/api/promotions/evaluate", content=raw(CART), headers={"content-type": ""}
    )
    assert response.status_code == 415


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name_fr": "Infor\u0000matique"}, "body.name_fr"),
        ({"name_fr": "Informatique", "slug": "info\u0000"}, "body.slug"),
        ({"name_fr": "Lone \ud800 surrogate"}, "body.name_fr"),
    ],
)
async def test_a_category_with_unstorable_text_is_refused_not_stored(api, body, field):
    response = await api.post(
        "/api/catalog/categories",
        content=raw(body),
        headers={"content-type": "Application/JSON"},
        role="staff",
    )
    assert (response.status_code, response.json()["field"]) == (422, field)
    assert (await api.get("/api/catalog/categories", role="staff")).json() == []


async def test_a_product_view_with_a_nul_never_reaches_the_event_log(api, system):
    category = await api.post(
        "/api/catalog/categories",
        json={"name_fr": "Ordinateurs portables", "slug": "ordinateurs-portables"},
        role="staff",
    )
    assert category.status_code == 201
    product = (await api.post("/api/catalog/products", json=laptop(), role="staff")).json()
    url = f"/api/catalog/products/{product['id']}/views"
    for session_id in ("s\u0000", "\udfff"):
        response = await api.post(
            url, content=raw({"session_id": session_id}), headers={"content-type": JSON_ALIKE[1]}
        )
        assert (response.status_code, response.json()["field"]) == (422, "body.session_id")
    assert await events(system, "catalog.product.viewed") == []
    assert (await api.post(url, json={"session_id": "s1"})).status_code == 202


async def test_unstorable_text_in_a_path_or_query_is_refused(api):
    in_path = await api.get("/api/catalog/products/by-sku/A%00B")
    assert (in_path.status_code, in_path.json()["field"]) == (422, "path.sku")
    in_query = await api.get("/api/catalog/products?q=a%00b")
    assert (in_query.status_code, in_query.json()["field"]) == (422, "query.q")


async def test_a_boolean_is_true_or_false_and_nothing_else(api):
    for is_active in (0, "true", "yes"):
        response = await api.post(
            "/api/catalog/categories",
            json={"name_fr": "Informatique", "is_active": is_active},
            role="staff",
        )
        assert (response.status_code, response.json()["field"]) == (422, "body.is_active")
    zero = await api.post(
        "/api/promotions/evaluate", json={**CART, "shipping_fee": False, "codes": []}
    )
    assert (zero.status_code, zero.json()["field"]) == (422, "body.shipping_fee")


async def test_a_single_valued_query_parameter_given_twice_is_a_422_naming_it(api):
    twice = await api.get("/api/promotions?code=TABASKI&code=KORITE", role="staff")
    assert twice.status_code == 422, twice.text
    assert twice.json()["field"] == "query.code"
    # A list parameter takes several values.
    brands = await api.get("/api/catalog/products?brand=HP&brand=Dell")
    assert brands.status_code == 200, brands.text


async def test_a_record_not_found_is_named_by_the_path_input_that_asked_for_it(api):
    """Every GET of a record that does not exist answers 404 naming the path input that
    asked for it (`path.product_id`), as a 422 names its field: never a name the route
    does not take (`id`), which a client could not map."""
    checked = 0
    for prefix, route in every_mounted_route():
        inputs = [param.alias for param in route.dependant.path_params]
        if "GET" not in route.methods or not inputs:
            continue
        url = prefix + re.sub(r"\{(\w+)(:\w+)?\}", "999999", route.path)
        response = await api.get(url, role="admin")
        if response.status_code != 404:
            continue
        checked += 1
        named = response.json().get("field")
        assert named in {f"path.{name}" for name in inputs}, (url, response.text)
    assert checked > 20
