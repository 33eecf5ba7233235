"""What answers tell a client and a browser: the challenge of a 401, the methods of a 405,
no sniffing or framing of any answer, and a 404 that does not tell someone else's record from
a missing one."""

from __future__ import annotations

import pytest

from tests.engines.pricing.test_api import cart, catalog  # noqa: F401 (a fixture)

SECURITY = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "content-security-policy": "frame-ancestors 'none'",
}


async def test_a_401_names_the_bearer_scheme_and_says_when_the_token_is_invalid(api):
    anonymous = await api.get("/api/catalog/imports/template")
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == "Bearer"
    for token in ("not-a-token", "itv_revoked-or-unknown"):
        invalid = await api.get(
            "/api/catalog/imports/template", headers={"authorization": f"Bearer {token}"}
        )
        assert invalid.status_code == 401
        assert invalid.headers["www-authenticate"] == 'Bearer error="invalid_token"'


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [("TRACE", "/healthz", "GET"), ("DELETE", "/api/pricing/quotes", "GET, POST")],
)
async def test_a_405_lists_the_allowed_methods(api, method, path, allowed):
    response = await api.request(method, path)
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert sorted(response.headers["allow"].split(", ")) == allowed.split(", ")


@pytest.mark.parametrize("path", ["/docs", "/openapi.json", "/healthz", "/api/nowhere"])
async def test_every_answer_forbids_sniffing_and_framing(api, path):
    response = await api.get(path)
    assert {name: response.headers.get(name) for name in SECURITY} == SECURITY


async def test_someone_elses_quote_answers_exactly_as_a_missing_one(api, catalog):  # noqa: F811
    created = await api.post(
        "/api/pricing/quotes", json=cart(("SKU-p1", 1)), role="customer", subject="awa"
    )
    theirs = await api.get(
        f"/api/pricing/quotes/{created.json()['id']}", role="customer", subject="moussa"
    )
    missing = await api.get("/api/pricing/quotes/no-such-quote", role="customer", subject="moussa")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert theirs.json()["field"] == "path.quote_id"
