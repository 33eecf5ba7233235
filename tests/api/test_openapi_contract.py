"""The OpenAPI document tells the truth: schemathesis, with all its checks, calls every
operation as /openapi.json describes it (in-process, on SQLite, as an admin and anonymously)
and finds nothing the API does that the document does not say; and what the document says
about errors, tokens, null and steps is checked directly."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import pytest
import schemathesis
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel
from schemathesis.config import SchemathesisConfig

from itvision import bootstrap
from itvision.app import create_app
from itvision.platform.inputs import InputModel
from itvision.platform.system import Platform
from tests.conftest import settings_for_tests

ADMIN_TOKEN = "contract-admin-token-0123456789abcdefghij"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

# Rules JSON Schema cannot state: schema-valid input these operations may still answer with a
# 422 naming the field (a reference to a record that does not exist, a rule across fields).
BUSINESS_RULES = (
    "GET /api/catalog/products",  # a category filter names a category that exists
    "POST /api/catalog/categories",  # the parent exists
    "PATCH /api/catalog/categories/{ref}",  # the parent exists, and is not below it
    "POST /api/catalog/products",  # the category exists; option names have letters…
    "POST /api/catalog/imports",  # the file has a `sku` column and rows that parse
    "GET /api/pricing/prices/{sku}",  # a past price (`at`) is the price of one unit
    "POST /api/pricing/quotes",  # each SKU is for sale, on one line only
    "PATCH /api/pricing/settings",  # tiers: quantities and discounts strictly increase
    "PUT /api/pricing/categories/{category_id}/settings",  # tiers, as above
    "PUT /api/pricing/products/{product_id}/settings",  # tiers, as above
    "POST /api/promotions",  # each kind of promotion has its own fields
    "POST /api/billing/quotes",  # catalog SKUs, once each; a validity to come; whose quote
    "GET /api/events/log",  # each topic named is in the registry (one list or several)
    "POST /api/shipping/zones",  # each weight band ends at its own weight
    "PUT /api/shipping/zones/{code}/rates",  # as above
    "PUT /api/notifications/templates/{kind}/{locale}",  # only the kind's placeholders
    "POST /api/group-buys",  # a catalog SKU; tiers in order; caps that allow the minimum
    "POST /api/group-buys/{group_id}/participations",  # an address for home delivery
    "POST /api/payments",  # an order or a participation, one of them
)
ACCEPTED = ["2xx", "3xx", 401, 403, 404, 409, 422, 429, "5xx"]


def config(
    *, headers: dict[str, str] | None = None, token_only: Sequence[str] = ()
) -> SchemathesisConfig:
    """The run's configuration. `headers` go with every request (schemathesis knows them, so a
    case that leaves out a required header is sent without it); the operations in `token_only`
    are tried with two examples and no coverage phase (see the anonymous test)."""
    return SchemathesisConfig.from_dict(
        {
            "seed": 20261130,
            "headers": headers or {},
            # The API refuses the NUL character (PostgreSQL cannot store it; tested in
            # tests/api/test_inputs.py): not spelled out as a pattern on every string.
            "generation": {
                "max-examples": 12,
                "deterministic": True,
                "allow-x00": False,
                # Unknown query parameters are ignored, as HTTP APIs do (OpenAPI has no way
                # to say they are refused): not sent as invalid input expecting a 4xx.
                "allow-extra-parameters": False,
            },
            "checks": {"enabled": True},
            "operations": [
                {
                    "include-name": name,
                    "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}},
                }
                for name in BUSINESS_RULES
            ]
            + [
                {
                    "include-name": name,
                    "generation": {"max-examples": 2},
                    "phases": {"coverage": {"enabled": False}},
                }
                for name in token_only
            ],
        }
    )


app = create_app(None, run_consumers=False)
DOCUMENT = app.openapi()
schema = schemathesis.openapi.from_dict(copy.deepcopy(DOCUMENT), config=config(headers=ADMIN))
schema.app = app  # called in-process, through the ASGI interface
# Without a token, an operation that requires one answers 401 whatever it is sent: its token
# is checked before its input is read (a test below holds it to that). Generating a dozen
# inputs and every coverage case for each of them, as for an admin, cost a ninth of the
# suite's CPU for the same 401.
TOKEN_ONLY = [
    f"{method.upper()} {path}"
    for path, methods in DOCUMENT["paths"].items()
    for method, spec in methods.items()
    if spec.get("security") == [{"HTTPBearer": []}]
]
anonymous = schemathesis.openapi.from_dict(
    copy.deepcopy(DOCUMENT), config=config(token_only=TOKEN_ONLY)
)
anonymous.app = app


@pytest.fixture(scope="module", autouse=True)
def contract_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The app's platform, on its own SQLite file; schemathesis starts the app's lifespan (in
    its own event loop thread), which migrates it."""
    data_dir: Path = tmp_path_factory.mktemp("contract")
    settings = settings_for_tests(data_dir, admin_token=ADMIN_TOKEN)
    app.state.platform = Platform(
        settings, bootstrap.registry(), bootstrap.consumer_groups(), bootstrap.jobs()
    )
    yield


@schema.parametrize()
def test_every_operation_does_what_the_document_says_for_an_admin(case):
    case.call_and_validate()


@anonymous.parametrize()
def test_every_operation_does_what_the_document_says_for_anyone(case):
    case.call_and_validate()


# What the document says, read directly -----------------------------------------------------

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def operation(method: str, path: str) -> dict:
    return DOCUMENT["paths"][path][method]


def component(name: str) -> dict:
    return DOCUMENT["components"]["schemas"][name]


def test_errors_are_problems_documented_per_operation():
    assert {"type", "title", "status", "code", "detail"} <= set(component("Problem")["required"])
    assert "HTTPValidationError" not in DOCUMENT["components"]["schemas"]
    patch = operation("patch", "/api/catalog/products/{product_id}")["responses"]
    assert set(patch) == {"200", "400", "401", "403", "404", "409", "413", "415", "422"}
    assert all(patch[code]["content"] == PROBLEM for code in patch if code != "200")
    listing = operation("get", "/api/catalog/categories")["responses"]
    assert set(listing) == {"200", "401"}  # open: only a bad token is refused
    assert "403" in operation("get", "/api/catalog/products")["responses"]  # declared by the route
    assert "503" in operation("get", "/readyz")["responses"]


def test_only_routes_that_need_a_token_require_one():
    assert operation("post", "/api/catalog/products")["security"] == [{"HTTPBearer": []}]
    for method, path in (
        ("get", "/api/catalog/products"),
        ("post", "/api/promotions/evaluate"),
        ("post", "/api/pricing/quotes"),
        ("get", "/api/events/topics"),
    ):
        assert operation(method, path)["security"] == [{}, {"HTTPBearer": []}], path
    assert "security" not in operation("get", "/healthz")


def test_fields_a_patch_refuses_to_null_are_not_nullable():
    update = component("ProductUpdate")["properties"]
    assert update["name_fr"]["type"] == "string" and "default" not in update["name_fr"]
    assert {"type": "null"} in update["name_en"]["anyOf"]  # null clears it
    assert component("CategoryUpdate")["properties"]["slug"]["type"] == "string"
    assert component("CategoryUpdate")["properties"]["is_active"]["type"] == "boolean"
    assert component("PromotionUpdate")["properties"]["priority"]["type"] == "integer"
    assert component("GlobalSettingsUpdate")["minProperties"] == 1


def test_constraints_the_validators_enforce_are_in_the_schema():
    rate = component("GlobalSettingsUpdate")["properties"]["vat_rate"]
    assert (rate["type"], rate["multipleOf"], rate["maximum"]) == ("number", 0.0001, 1)
    delta = component("AdjustmentCreate")["properties"]["delta"]
    assert delta["not"] == {"const": 0}
    assert (
        component("ProductCreate")["properties"]["screen_inches"]["anyOf"][0]["multipleOf"] == 0.1
    )
    imports = operation("get", "/api/catalog/imports/template")["responses"]["200"]["content"]
    assert list(imports) == ["text/csv"]


def test_every_model_the_api_reads_refuses_unstorable_text():
    """Bodies and query models derive from InputModel, so none can forget the check."""
    read: list[type] = []
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute):
            continue
        fields = [f for d in _all(route.dependant) for f in d.query_params]
        if route.body_field is not None:
            fields.append(route.body_field)
        read += [
            f.field_info.annotation
            for f in fields
            if isinstance(f.field_info.annotation, type)
            and issubclass(f.field_info.annotation, BaseModel)
        ]
    assert len(read) > 20
    assert [m.__name__ for m in read if not issubclass(m, InputModel)] == []


def _all(dependant):
    yield dependant
    for sub in dependant.dependencies:
        yield from _all(sub)


async def test_without_a_token_every_operation_that_requires_one_answers_401_unread():
    """What lets the anonymous run try these with two inputs: nothing they are sent (a body
    that is not JSON, path values of the wrong type) is read before the token is asked for."""
    assert len(TOKEN_ONLY) > 50
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        for name in TOKEN_ONLY:
            method, path = name.split(" ", 1)
            response = await client.request(
                method,
                re.sub(r"\{[^}]+\}", "%00not-a-value", path),
                content=b"{not json",
                headers={"Content-Type": "application/json"},
            )
            assert response.status_code == 401, (name, response.text)
