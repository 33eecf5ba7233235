"""Products and variants over HTTP: writes validated and announced, reads by role."""

from tests.engines.catalog.conftest import create, events, laptop


async def test_a_product_is_created_with_its_variants_and_announced(api, tree):
    product = await create(
        api,
        laptop(
            weight_grams=1400,
            variants=[
                {"sku": "hp-840-g8-1to", "options": {"Capacité": "1 To"}, "base_cost": 275_000},
                {"sku": "HP-840-G8-NOIR", "options": {"couleur": "Noir"}, "weight_grams": 1500},
            ],
        ),
    )
    assert product["sku"] == "HP-840-G8"
    assert product["category_path"] == [tree["informatique"], tree["ordinateurs-portables"]]
    assert product["base_cost"] == 250_000 and product["currency"] == "XOF"
    assert product["price"] is None
    assert [v["sku"] for v in product["variants"]] == ["HP-840-G8-1TO", "HP-840-G8-NOIR"]

    [created] = await events(api.platform, "catalog.product.created")
    assert created == {
        **created,
        "productId": product["id"],
        "sku": "HP-840-G8",
        "name": "HP EliteBook 840 G8",
        "nameEn": "HP EliteBook 840 G8",
        "categoryId": tree["ordinateurs-portables"],
        "categoryPath": [tree["informatique"], tree["ordinateurs-portables"]],
        "brand": "HP",
        "baseCost": 250_000,
        "currency": "XOF",
        "status": "active",
        "condition": "refurbished",
        "weightGrams": 1400,
    }
    variants = await events(api.platform, "catalog.variant.created")
    assert [(v["sku"], v["attributes"], v["baseCost"], v["weightGrams"]) for v in variants] == [
        ("HP-840-G8-1TO", {"capacite": "1 To"}, 275_000, None),
        ("HP-840-G8-NOIR", {"couleur": "Noir"}, None, 1500),
    ]
    assert {v["productId"] for v in variants} == {product["id"]}


async def test_a_sku_is_kept_as_typed_or_refused_with_a_reason(api, tree):
    await create(api, laptop("SS-1"))
    refused = await api.post("/api/catalog/products", json=laptop("ß-1"), role="staff")
    assert refused.status_code == 422
    assert (refused.json()["field"], refused.json()["code"]) == ("body.sku", "validation_error")
    assert "ß-1" in refused.json()["detail"]
    assert (await api.get("/api/catalog/products/by-sku/ß-1")).status_code == 404
    typed = await create(api, laptop("hp-1"))
    assert typed["sku"] == "HP-1"  # ASCII case does not matter, as documented


async def test_a_duplicate_sku_is_a_409_naming_it(api, tree):
    await create(api, laptop(variants=[{"sku": "HP-840-G8-1TO", "options": {"capacite": "1 To"}}]))
    for body in (
        laptop("hp-840-g8"),
        laptop("HP-840-G8-1TO"),
        laptop("NEW-1", variants=[{"sku": "HP-840-G8", "options": {"a": "b"}}]),
        laptop("NEW-2", variants=[{"sku": "NEW-2", "options": {"a": "b"}}]),
    ):
        response = await api.post("/api/catalog/products", json=body, role="staff")
        assert response.status_code == 409, body
        problem = response.json()
        assert problem["code"] == "conflict"
        assert "HP-840-G8" in problem["detail"] or "NEW-2" in problem["detail"]
    # Nothing of the refused products was written.
    assert len(await events(api.platform, "catalog.product.created")) == 1
    staff_list = (await api.get("/api/catalog/products", role="staff")).json()
    assert staff_list["total"] == 1


BAD_PRODUCTS = [
    ({"sku": "HP 840"}, "body.sku"),
    ({"sku": ""}, "body.sku"),
    ({"name_fr": ""}, "body.name_fr"),
    ({"base_cost": -1}, "body.base_cost"),
    ({"base_cost": 12.5}, "body.base_cost"),
    ({"base_cost": "beaucoup"}, "body.base_cost"),
    ({"ram_gb": 0}, "body.ram_gb"),
    ({"screen_inches": 15.65}, "body.screen_inches"),
    ({"warranty_months": 121}, "body.warranty_months"),
    ({"condition": "cassé"}, "body.condition"),
    ({"grade": "D"}, "body.grade"),
    ({"grade": None}, "body.grade"),
    ({"condition": "new"}, "body.grade"),
    ({"status": "active", "base_cost": 0}, "body.base_cost"),
    ({"category_id": "nulle-part"}, "body.category_id"),
    ({"images": ["ftp://x.sn/a.jpg"]}, "body.images"),
    ({"colour": "red"}, "body.colour"),
    ({"variants": [{"sku": "V1", "options": {}}]}, "body.variants.0.options"),
    ({"variants": [{"sku": "V 1", "options": {"a": "b"}}]}, "body.variants.0.sku"),
]


async def test_bad_products_are_a_422_naming_the_field(api, tree):
    for overrides, field in BAD_PRODUCTS:
        response = await api.post("/api/catalog/products", json=laptop(**overrides), role="staff")
        assert response.status_code == 422, (overrides, response.text)
        assert response.json()["code"] == "validation_error"
        assert response.json()["field"] == field, overrides
    assert (await api.get("/api/catalog/products", role="staff")).json()["total"] == 0


async def test_two_variants_of_a_product_never_share_their_options(api, tree):
    body = laptop(
        variants=[
            {"sku": "V1", "options": {"couleur": "Noir"}},
            {"sku": "V2", "options": {"Couleur": "noir"}},
        ]
    )
    response = await api.post("/api/catalog/products", json=body, role="staff")
    assert response.status_code == 409
    assert response.json()["field"] == "options" and "V1" in response.json()["detail"]

    product = await create(api, laptop(variants=[{"sku": "V1", "options": {"couleur": "Noir"}}]))
    again = await api.post(
        f"/api/catalog/products/{product['id']}/variants",
        json={"sku": "V3", "options": {"COULEUR": " Noir "}},
        role="staff",
    )
    assert again.status_code == 409 and "V1" in again.json()["detail"]


async def test_variants_are_added_and_changed(api, tree):
    product = await create(api, laptop())
    added = await api.post(
        f"/api/catalog/products/{product['id']}/variants",
        json={"sku": "hp-840-g8-32", "options": {"ram": "32 Go"}, "base_cost": 300_000},
        role="staff",
    )
    assert added.status_code == 201
    variant = added.json()
    assert variant["sku"] == "HP-840-G8-32" and variant["base_cost"] == 300_000
    changed = await api.patch(
        f"/api/catalog/products/{product['id']}/variants/{variant['id']}",
        json={"base_cost": None, "weight_grams": 1450},
        role="staff",
    )
    assert changed.status_code == 200
    assert changed.json()["base_cost"] is None and changed.json()["weight_grams"] == 1450
    [update] = await events(api.platform, "catalog.variant.updated")
    assert update["changedFields"] == ["weight_grams", "base_cost"]
    assert update["baseCost"] is None and update["weightGrams"] == 1450

    other = await create(api, laptop("DELL-5420", variants=[{"sku": "D1", "options": {"a": "b"}}]))
    wrong_parent = await api.patch(
        f"/api/catalog/products/{other['id']}/variants/{variant['id']}",
        json={"weight_grams": 1},
        role="staff",
    )
    assert wrong_parent.status_code == 404 and wrong_parent.json()["field"] == "path.variant_id"
    null_options = await api.patch(
        f"/api/catalog/products/{product['id']}/variants/{variant['id']}",
        json={"options": None},
        role="staff",
    )
    assert null_options.status_code == 422 and null_options.json()["field"] == "body.options"
    taken = await api.post(
        f"/api/catalog/products/{product['id']}/variants",
        json={"sku": "D1", "options": {"ram": "64 Go"}},
        role="staff",
    )
    assert taken.status_code == 409 and "D1" in taken.json()["detail"]
    missing = await api.post(
        "/api/catalog/products/nope/variants",
        json={"sku": "Z", "options": {"a": "b"}},
        role="staff",
    )
    assert missing.status_code == 404


async def test_an_update_announces_what_changed_and_only_then(api, tree):
    product = await create(api, laptop())
    url = f"/api/catalog/products/{product['id']}"
    changed = await api.patch(
        url, json={"base_cost": 240_000, "category_id": "ultrabooks", "ram_gb": None}, role="staff"
    )
    assert changed.status_code == 200
    body = changed.json()
    assert body["base_cost"] == 240_000 and body["ram_gb"] is None
    assert body["category_path"][-1] == tree["ultrabooks"]
    [update] = await events(api.platform, "catalog.product.updated")
    assert update["changedFields"] == ["category_id", "ram_gb", "base_cost", "category_path"]
    assert update["baseCost"] == 240_000
    assert update["categoryPath"] == [
        tree["informatique"],
        tree["ordinateurs-portables"],
        tree["ultrabooks"],
    ]
    same = await api.patch(url, json={"base_cost": 240_000}, role="staff")
    assert same.status_code == 200
    assert len(await events(api.platform, "catalog.product.updated")) == 1


BAD_UPDATES = [
    ({"sku": "OTHER"}, "body.sku"),
    ({"name_fr": None}, "body.name_fr"),
    ({"base_cost": None}, "body.base_cost"),
    ({"status": "deleted"}, "body.status"),
    ({"condition": "new"}, "body.grade"),
    ({"category_id": "nope"}, "body.category_id"),
]


async def test_bad_updates_are_a_422_naming_the_field(api, tree):
    product = await create(api, laptop())
    for body, field in BAD_UPDATES:
        response = await api.patch(
            f"/api/catalog/products/{product['id']}", json=body, role="staff"
        )
        assert response.status_code == 422, (body, response.text)
        assert response.json()["field"] == field, body
    assert await events(api.platform, "catalog.product.updated") == []
    missing = await api.patch("/api/catalog/products/nope", json={"ram_gb": 8}, role="staff")
    assert missing.status_code == 404 and missing.json()["field"] == "path.product_id"


async def test_deleting_archives_and_announces_once(api, tree):
    product = await create(api, laptop())
    url = f"/api/catalog/products/{product['id']}"
    assert (await api.delete(f"{url}?reason=fin de série", role="staff")).status_code == 204
    assert (await api.delete(url, role="staff")).status_code == 204
    [deleted] = await events(api.platform, "catalog.product.deleted")
    assert deleted == {**deleted, "productId": product["id"], "sku": "HP-840-G8"}
    assert deleted["reason"] == "fin de série"
    assert (await api.get(url)).status_code == 404
    archived = (await api.get(url, role="staff")).json()
    assert archived["status"] == "archived"
    restored = await api.patch(url, json={"status": "active"}, role="staff")
    assert restored.json()["status"] == "active"
    assert (await api.get(url)).status_code == 200
    assert (await api.delete("/api/catalog/products/nope", role="staff")).status_code == 404


async def test_non_staff_see_active_products_without_costs(api, tree):
    active = await create(
        api, laptop(variants=[{"sku": "V1", "options": {"a": "b"}, "base_cost": 1}])
    )
    draft = await create(api, laptop("DRAFT-1", status="draft"))
    for role in (None, "customer", "technician", "partner"):
        listed = (await api.get("/api/catalog/products", role=role)).json()
        assert [p["sku"] for p in listed["items"]] == ["HP-840-G8"], role
        assert listed["total"] == 1
        for answer in (
            listed["items"][0],
            (await api.get(f"/api/catalog/products/{active['id']}", role=role)).json(),
            (await api.get("/api/catalog/products/by-sku/v1", role=role)).json(),
        ):
            assert "base_cost" not in answer and "currency" not in answer
            assert "base_cost" not in answer["variants"][0]
            assert answer["variants"][0]["sku"] == "V1"
        hidden = await api.get(f"/api/catalog/products/{draft['id']}", role=role)
        assert hidden.status_code == 404
        assert (await api.get("/api/catalog/products/by-sku/DRAFT-1", role=role)).status_code == 404
        drafts = await api.get("/api/catalog/products?status=draft", role=role)
        assert drafts.status_code == 403 and drafts.json()["field"] == "query.status"
    staff = (await api.get("/api/catalog/products?status=draft", role="staff")).json()
    assert [p["sku"] for p in staff["items"]] == ["DRAFT-1"]
    assert staff["items"][0]["base_cost"] == 250_000
    everything = (await api.get("/api/catalog/products", role="staff")).json()
    assert everything["total"] == 2


async def test_only_staff_write_products(api, tree):
    product = await create(api, laptop())
    url = f"/api/catalog/products/{product['id']}"
    writes = [
        ("POST", "/api/catalog/products", laptop("X-1")),
        ("PATCH", url, {"base_cost": 1}),
        ("DELETE", url, None),
        ("POST", f"{url}/variants", {"sku": "V9", "options": {"a": "b"}}),
        ("POST", "/api/catalog/imports", None),
    ]
    for method, path, body in writes:
        assert (await api.request(method, path, json=body)).status_code == 401, path
        for role in ("customer", "technician", "partner"):
            response = await api.request(method, path, json=body, role=role)
            assert response.status_code == 403, (path, role)


async def test_lists_filter_by_category_subtree_brand_and_attributes(api, tree):
    await create(
        api, laptop("HP-1", brand="HP", ram_gb=8, storage_gb=256, category_id="ultrabooks")
    )
    await create(api, laptop("HP-2", brand="HP", ram_gb=16, screen_inches=15.6))
    await create(
        api,
        laptop(
            "DELL-1",
            brand="Dell",
            ram_gb=32,
            cpu="Intel Core i7-1185G7",
            condition="new",
            grade=None,
            warranty_months=24,
        ),
    )
    await create(api, laptop("TEL-1", brand="Tecno", category_id="telephones", ram_gb=4))

    async def skus(query: str) -> list[str]:
        ordered = query if "sort=" in query else f"sort=sku&{query}"
        response = await api.get(f"/api/catalog/products?{ordered}")
        assert response.status_code == 200, response.text
        return [p["sku"] for p in response.json()["items"]]

    assert await skus("category=informatique") == ["DELL-1", "HP-1", "HP-2"]
    assert await skus(f"category={tree['ultrabooks']}") == ["HP-1"]
    assert await skus("category=telephones") == ["TEL-1"]
    assert await skus("brand=hp") == ["HP-1", "HP-2"]
    assert await skus("brand=HP&brand=tecno") == ["HP-1", "HP-2", "TEL-1"]
    assert await skus("ram_gb=8&ram_gb=32") == ["DELL-1", "HP-1"]
    assert await skus("min_ram_gb=16") == ["DELL-1", "HP-2"]
    assert await skus("storage_gb=256") == ["HP-1"]
    assert await skus("min_storage_gb=300") == ["DELL-1", "HP-2", "TEL-1"]
    assert await skus("condition=new") == ["DELL-1"]
    assert await skus("grade=A&condition=refurbished") == ["HP-1", "HP-2", "TEL-1"]
    assert await skus("cpu=i7") == ["DELL-1"]
    assert await skus("min_screen_inches=15") == ["HP-2"]
    assert await skus("max_screen_inches=14.5") == ["DELL-1", "HP-1", "TEL-1"]
    assert await skus("min_warranty_months=24") == ["DELL-1"]
    assert await skus("q=dell") == ["DELL-1"]
    assert await skus("q=tel-") == ["TEL-1"]
    assert await skus("q=100%25") == []
    assert await skus("sort=-sku") == ["TEL-1", "HP-2", "HP-1", "DELL-1"]
    assert await skus("sort=-created_at") == ["TEL-1", "DELL-1", "HP-2", "HP-1"]

    page = (await api.get("/api/catalog/products?sort=sku&limit=2&offset=1")).json()
    assert [p["sku"] for p in page["items"]] == ["HP-1", "HP-2"]
    assert (page["total"], page["limit"], page["offset"]) == (4, 2, 1)


BAD_QUERIES = [
    ("sort=cheapest", "query.sort"),
    ("limit=0", "query.limit"),
    ("limit=500", "query.limit"),
    ("offset=-1", "query.offset"),
    ("ram_gb=huit", "query.ram_gb.0"),
    ("min_price=-5", "query.min_price"),
    ("status=deleted", "query.status.0"),
    ("min_price=10&max_price=5", "query.max_price"),
    ("category=nulle-part", "query.category"),
]


async def test_bad_list_queries_are_a_422_naming_the_parameter(api, tree):
    for query, field in BAD_QUERIES:
        response = await api.get(f"/api/catalog/products?{query}", role="staff")
        assert response.status_code == 422, (query, response.text)
        assert response.json()["field"] == field, query


async def test_a_view_is_recorded_for_analytics(api, tree):
    product = await create(api, laptop())
    url = f"/api/catalog/products/{product['id']}/views"
    anonymous = await api.post(url, json={"session_id": "s-1", "referrer": "search"})
    assert anonymous.status_code == 202
    customer = await api.post(
        url, json={"session_id": "s-2", "channel": "whatsapp"}, role="customer", subject="c-42"
    )
    assert customer.status_code == 202
    views = await events(api.platform, "catalog.product.viewed")
    assert [(v["sessionId"], v["customerId"], v["channel"], v["referrer"]) for v in views] == [
        ("s-1", None, "web", "search"),
        ("s-2", "c-42", "whatsapp", "direct"),
    ]
    assert customer.json()["event_id"]
    bad = await api.post(url, json={"session_id": "", "channel": "fax"})
    assert bad.status_code == 422 and bad.json()["field"] == "body.session_id"
    assert (await api.post(url, json={"session_id": "s", "channel": "fax"})).json()[
        "field"
    ] == "body.channel"
    draft = await create(api, laptop("DRAFT-1", status="draft"))
    unseen = await api.post(f"/api/catalog/products/{draft['id']}/views", json={"session_id": "s"})
    assert unseen.status_code == 404
    assert (
        await api.post("/api/catalog/products/nope/views", json={"session_id": "s"})
    ).status_code == 404


async def test_filters_out_of_any_real_range_are_refused_naming_the_filter(api):
    huge = await api.get("/api/catalog/products?max_screen_inches=3.9e307")
    assert huge.status_code == 422
    assert huge.json()["field"] == "query.max_screen_inches"
    too_big = await api.get("/api/catalog/products?storage_gb=-646119591095176658944")
    assert too_big.status_code == 422
    assert too_big.json()["field"].startswith("query.storage_gb")
