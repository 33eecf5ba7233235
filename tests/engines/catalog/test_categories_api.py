"""Categories over HTTP: a tree anyone reads and staff shape."""

from tests.engines.catalog.conftest import create, events, laptop


async def test_anyone_reads_the_tree_and_staff_see_hidden_categories(api, tree):
    hidden = await api.patch(
        f"/api/catalog/categories/{tree['telephones']}", json={"is_active": False}, role="staff"
    )
    assert hidden.status_code == 200 and hidden.json()["is_active"] is False

    public = (await api.get("/api/catalog/categories/tree")).json()
    assert [n["slug"] for n in public] == ["informatique"]
    [portables] = public[0]["children"]
    assert portables["slug"] == "ordinateurs-portables"
    assert portables["children"][0]["path"] == [
        tree["informatique"],
        tree["ordinateurs-portables"],
        tree["ultrabooks"],
    ]
    staff = (await api.get("/api/catalog/categories", role="staff")).json()
    assert {c["slug"] for c in staff} == set(tree)
    assert (await api.get("/api/catalog/categories/telephones")).status_code == 404
    assert (await api.get("/api/catalog/categories/telephones", role="staff")).status_code == 200
    by_id = (await api.get(f"/api/catalog/categories/{tree['ultrabooks']}")).json()
    assert by_id["slug"] == "ultrabooks" and by_id["parent_id"] == tree["ordinateurs-portables"]


async def test_a_new_category_is_announced_with_its_path(api, tree):
    created = await api.post(
        "/api/catalog/categories",
        json={"name_fr": "Clés USB & cartes", "name_en": "USB keys", "parent_id": "informatique"},
        role="admin",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["slug"] == "cles-usb-cartes"
    updates = await events(api.platform, "catalog.category.updated")
    assert len(updates) == 5
    assert updates[-1] == {
        **updates[-1],
        "categoryId": body["id"],
        "name": "Clés USB & cartes",
        "nameEn": "USB keys",
        "slug": "cles-usb-cartes",
        "parentId": tree["informatique"],
        "path": [tree["informatique"], body["id"]],
        "isActive": True,
    }


async def test_slugs_are_unique(api, tree):
    # The slug made from the name: the name is what the client sent, so it is the one named.
    taken = await api.post("/api/catalog/categories", json={"name_fr": "Ultrabooks"}, role="staff")
    assert taken.status_code == 409
    assert taken.json()["field"] == "body.name_fr" and "ultrabooks" in taken.json()["detail"]
    sent = await api.post(
        "/api/catalog/categories", json={"name_fr": "Ultra", "slug": "ultrabooks"}, role="staff"
    )
    assert sent.status_code == 409 and sent.json()["field"] == "body.slug"
    unknown = await api.patch("/api/catalog/categories/nope", json={"slug": "x"}, role="staff")
    assert unknown.status_code == 404 and unknown.json()["field"] == "path.ref"
    renamed = await api.patch(
        f"/api/catalog/categories/{tree['telephones']}", json={"slug": "ultrabooks"}, role="staff"
    )
    assert renamed.status_code == 409


async def test_bad_categories_are_refused_naming_the_field(api, tree):
    cases = [
        ({"name_fr": ""}, "body.name_fr"),
        ({"name_fr": "A", "slug": "Pas Un Slug"}, "body.slug"),  # the schema's pattern says it
        ({"name_fr": "A", "parent_id": "nulle-part"}, "body.parent_id"),
        ({"name_fr": "A", "colour": "red"}, "body.colour"),
        ({"name_fr": "!!!"}, "body.name_fr"),  # no slug sent: the one made from it is empty
    ]
    for body, field in cases:
        response = await api.post("/api/catalog/categories", json=body, role="staff")
        assert response.status_code == 422, body
        assert response.json()["code"] == "validation_error"
        assert response.json()["field"] == field, body
    null_name = await api.patch(
        f"/api/catalog/categories/{tree['telephones']}", json={"name_fr": None}, role="staff"
    )
    assert null_name.status_code == 422 and null_name.json()["field"] == "body.name_fr"
    missing = await api.patch("/api/catalog/categories/nope", json={}, role="staff")
    assert missing.status_code == 404


async def test_a_category_cannot_go_under_its_own_subtree(api, tree):
    response = await api.patch(
        "/api/catalog/categories/informatique", json={"parent_id": "ultrabooks"}, role="staff"
    )
    assert response.status_code == 422
    assert response.json()["field"] == "body.parent_id"
    assert "subcategories" in response.json()["detail"]


async def test_moving_a_category_announces_the_new_path_of_its_products(api, tree):
    product = await create(api, laptop(category_id="ultrabooks"))
    moved = await api.patch(
        "/api/catalog/categories/ordinateurs-portables",
        json={"parent_id": "telephones"},
        role="staff",
    )
    assert moved.status_code == 200
    new_path = [tree["telephones"], tree["ordinateurs-portables"], tree["ultrabooks"]]
    [update] = await events(api.platform, "catalog.product.updated")
    assert update["productId"] == product["id"]
    assert update["changedFields"] == ["category_path"]
    assert update["categoryPath"] == new_path
    read = (await api.get(f"/api/catalog/products/{product['id']}")).json()
    assert read["category_path"] == new_path
    to_top = await api.patch(
        "/api/catalog/categories/ordinateurs-portables", json={"parent_id": None}, role="staff"
    )
    assert to_top.json()["path"] == [tree["ordinateurs-portables"]]


async def test_an_unchanged_category_is_not_announced(api, tree):
    before = len(await events(api.platform, "catalog.category.updated"))
    same = await api.patch(
        "/api/catalog/categories/telephones", json={"name_fr": "Téléphones"}, role="staff"
    )
    assert same.status_code == 200
    assert len(await events(api.platform, "catalog.category.updated")) == before


async def test_only_staff_write_categories(api, tree):
    body = {"name_fr": "Imprimantes"}
    assert (await api.post("/api/catalog/categories", json=body)).status_code == 401
    for role in ("customer", "technician", "partner"):
        response = await api.post("/api/catalog/categories", json=body, role=role)
        assert response.status_code == 403, role
        patch = await api.patch("/api/catalog/categories/telephones", json=body, role=role)
        assert patch.status_code == 403, role
