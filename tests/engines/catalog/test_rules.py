"""The catalog's pure rules: SKUs, slugs, options, images, product invariants, the category
tree, the freshness of prices, and the messages of every violation."""

from datetime import UTC, datetime, timedelta

import pytest

from itvision.engines.catalog.rules import categories, prices, products
from itvision.engines.catalog.rules.violations import MESSAGES, Violation


def broken(rule: str, call, *args, **kwargs) -> Violation:
    with pytest.raises(Violation) as caught:
        call(*args, **kwargs)
    assert caught.value.rule == rule, caught.value
    return caught.value


@pytest.mark.parametrize(
    ("raw", "sku"),
    [(" hp-840-g8 ", "HP-840-G8"), ("A", "A"), ("ab_1.2/3", "AB_1.2/3"), ("x" * 64, "X" * 64)],
)
def test_skus_are_trimmed_and_upper_cased(raw, sku):
    assert products.normalize_sku(raw) == sku


@pytest.mark.parametrize("raw", ["", "  ", "-AB", "AB-", "AB 12", "é1", "x" * 65, "A;B"])
def test_malformed_skus_are_refused_naming_the_field(raw):
    violation = broken("invalid_sku", products.normalize_sku, raw, "variants.0.sku")
    assert violation.field == "variants.0.sku"


@pytest.mark.parametrize("raw", ["ß-1", "\ufb01-1", "\u0131-1", "\u212a-1", "é-1"])
def test_a_sku_is_refused_rather_than_rewritten(raw):
    # upper-casing would store 'ß-1' as 'SS-1', 'ı-1' as 'I-1': a SKU is kept as typed or refused
    violation = broken("invalid_sku", products.normalize_sku, raw)
    assert violation.field == "sku"
    assert "A to Z (no accents)" in violation.text("en")
    assert products.stored_sku(raw) is None


def test_slugs_come_from_french_names():
    assert categories.slugify("Ordinateurs portables & PC") == "ordinateurs-portables-pc"
    assert categories.slugify("Téléphones / Écrans") == "telephones-ecrans"
    assert categories.check_slug("cles-usb") == "cles-usb"
    broken("invalid_slug", categories.check_slug, "Clés USB")
    broken("invalid_slug", categories.check_slug, "")


def test_options_are_normalized_and_sorted():
    options = products.normalize_options({" Capacité ": " 256   Go ", "Couleur": "Noir"})
    assert options == {"capacite": "256 Go", "couleur": "Noir"}
    assert list(options) == ["capacite", "couleur"]


def test_the_options_key_ignores_the_case_of_values():
    first = products.normalize_options({"couleur": "Noir"})
    second = products.normalize_options({"COULEUR": "noir"})
    assert products.options_key(first) == products.options_key(second)


@pytest.mark.parametrize(
    "options",
    [{}, {"": "x"}, {"couleur": " "}, {"Couleur": "a", "couleur": "b"}],
)
def test_options_need_names_and_values(options):
    broken("invalid_options", products.normalize_options, options)


def test_options_are_bounded():
    broken("too_many", products.normalize_options, {f"o{i}": "x" for i in range(11)})
    broken("too_long", products.normalize_options, {"couleur": "x" * 101})


def test_images_are_http_urls():
    assert products.check_images(["https://cdn.example.com/a.jpg"]) == [
        "https://cdn.example.com/a.jpg"
    ]
    broken("invalid_url", products.check_images, ["ftp://cdn.example.com/a.jpg"])
    broken("invalid_url", products.check_images, ["cdn.example.com/a.jpg"])
    broken("too_many", products.check_images, ["https://x.sn/a.jpg"] * 21)


def test_ranges_are_inclusive():
    assert products.check_range("warranty_months", 0) == 0
    assert products.check_range("warranty_months", 120) == 120
    violation = broken("out_of_range", products.check_range, "warranty_months", 121)
    assert violation.field == "warranty_months"
    assert violation.text("fr") == "doit être entre 0 et 120"


@pytest.mark.parametrize(
    ("values", "rule", "field"),
    [
        ({"condition": "refurbished", "grade": None}, "grade_required", "grade"),
        ({"condition": "new", "grade": "A"}, "grade_forbidden", "grade"),
        ({"condition": "used", "grade": "B"}, "grade_forbidden", "grade"),
        (
            {"condition": "new", "status": "active", "base_cost": 0},
            "active_needs_cost",
            "base_cost",
        ),
    ],
)
def test_product_invariants(values, rule, field):
    assert broken(rule, products.check_product, values).field == field


@pytest.mark.parametrize(
    "values",
    [
        {"condition": "refurbished", "grade": "C", "status": "active", "base_cost": 1},
        {"condition": "new", "grade": None, "status": "draft", "base_cost": 0},
        {"condition": "used", "grade": None, "status": "archived", "base_cost": 0},
    ],
)
def test_valid_products_pass(values):
    products.check_product(values)


def test_changed_fields_follow_the_order_given():
    before = {"name_fr": "a", "base_cost": 1, "images": []}
    after = {"name_fr": "b", "base_cost": 1, "images": ["x"]}
    assert products.changed_fields(before, after, ("images", "name_fr", "base_cost")) == [
        "images",
        "name_fr",
    ]


# informatique > portables > ultrabooks ; informatique > ecrans ; telephones
PARENTS: dict[str, str | None] = {
    "informatique": None,
    "portables": "informatique",
    "ultrabooks": "portables",
    "ecrans": "informatique",
    "telephones": None,
}


def test_the_path_runs_from_the_root():
    assert categories.category_path(PARENTS, "ultrabooks") == [
        "informatique",
        "portables",
        "ultrabooks",
    ]
    assert categories.category_path(PARENTS, "telephones") == ["telephones"]


def test_a_subtree_holds_the_category_and_everything_below():
    assert categories.subtree(PARENTS, "informatique") == {
        "informatique",
        "portables",
        "ultrabooks",
        "ecrans",
    }
    assert categories.subtree(PARENTS, "ultrabooks") == {"ultrabooks"}


def test_a_category_never_goes_under_itself_or_its_subtree():
    broken("category_cycle", categories.check_parent, PARENTS, "informatique", "ultrabooks")
    broken("category_cycle", categories.check_parent, PARENTS, "portables", "portables")
    categories.check_parent(PARENTS, "ecrans", "portables")
    categories.check_parent(PARENTS, "portables", None)
    categories.check_parent(PARENTS, None, "ultrabooks")


def test_the_tree_has_a_maximum_depth():
    chain: dict[str, str | None] = {"c1": None}
    for level in range(2, categories.MAX_CATEGORY_DEPTH + 1):
        chain[f"c{level}"] = f"c{level - 1}"
    deepest = f"c{categories.MAX_CATEGORY_DEPTH}"
    broken("category_too_deep", categories.check_parent, chain, None, deepest)
    chain["x1"], chain["x2"] = None, "x1"
    broken("category_too_deep", categories.check_parent, chain, "x1", "c5")
    categories.check_parent(chain, "x2", "c5")


def test_a_corrupted_tree_does_not_hang():
    with pytest.raises(ValueError, match="cycle"):
        categories.category_path({"a": "b", "b": "a"}, "a")


def cell_tree() -> categories.CategoryTree:
    slugs = {slug: slug.upper() for slug in PARENTS}
    return categories.CategoryTree({k.upper(): v and v.upper() for k, v in PARENTS.items()}, slugs)


def numbered_ids():
    count = iter(range(1, 100))
    return lambda: f"NEW-{next(count)}"


@pytest.mark.parametrize(
    ("cell", "found"),
    [
        ("ULTRABOOKS", "ULTRABOOKS"),  # an id
        (" Ultrabooks ", "ULTRABOOKS"),  # a slug, any case
        ("Écrans", "ECRANS"),  # a French name whose slug exists
        ("informatique > portables > ultrabooks", "ULTRABOOKS"),
        ("Portables>Ultrabooks", "ULTRABOOKS"),  # a path may start below the root
    ],
)
def test_a_cell_names_a_category_by_id_slug_name_or_path(cell, found):
    tree = cell_tree()
    for create in (False, True):
        assert categories.place_cell(tree, cell, create=create, new_id=numbered_ids()) == (
            found,
            [],
        )


def test_a_cell_names_categories_to_create_only_when_asked():
    tree = cell_tree()
    broken("unknown_category", categories.place_cell, tree, "tablettes", create=False, new_id=str)
    broken(
        "unknown_category",
        categories.place_cell,
        tree,
        "Informatique > Tablettes",
        create=False,
        new_id=str,
    )
    assert tree == cell_tree()

    found, created = categories.place_cell(
        tree, "informatique > Tablettes  tactiles > ipad-pro", create=True, new_id=numbered_ids()
    )
    assert created == [
        categories.NewCategory("NEW-1", "tablettes-tactiles", "Tablettes tactiles", "INFORMATIQUE"),
        categories.NewCategory("NEW-2", "ipad-pro", "Ipad pro", "NEW-1"),
    ]
    assert found == "NEW-2" and tree.path("NEW-2") == ["INFORMATIQUE", "NEW-1", "NEW-2"]
    # The next row naming them finds them.
    assert categories.place_cell(tree, "ipad-pro", create=True, new_id=numbered_ids()) == (
        "NEW-2",
        [],
    )
    tree.remove(created)
    assert tree == cell_tree()


@pytest.mark.parametrize(
    ("cell", "rule"),
    [
        ("Téléphones > Ultrabooks", "category_elsewhere"),
        ("Informatique > > Écrans", "invalid_category_path"),
        ("Informatique > ", "invalid_category_path"),
        ("Informatique > !!!", "invalid_slug"),
        ("Informatique > " + "x" * 121, "too_long"),
        ("portables > ultrabooks > a > b > c > d", "category_too_deep"),
    ],
)
def test_a_cell_that_cannot_be_placed_creates_nothing(cell, rule):
    tree = cell_tree()
    broken(rule, categories.place_cell, tree, cell, create=True, new_id=numbered_ids())
    assert tree == cell_tree()


def test_an_older_price_never_replaces_a_newer_one():
    now = datetime(2026, 11, 25, 10, tzinfo=UTC)
    assert prices.is_newer_price(None, now)
    assert prices.is_newer_price(now, now + timedelta(seconds=1))
    assert prices.is_newer_price(now, now)
    assert not prices.is_newer_price(now, now - timedelta(microseconds=1))


PARAMS = {
    "value": "x",
    "low": 0,
    "high": 1,
    "expected": "Go",
    "choices": "A",
    "max": 3,
    "sku": "S",
    "row": 2,
    "parent": "P",
    "error": "e",
    "column": "sku",
    "first": "a",
    "second": "b",
}


@pytest.mark.parametrize("rule", sorted(MESSAGES))
def test_every_violation_reads_in_french_and_english(rule):
    violation = Violation(rule, "field", **PARAMS)
    assert violation.text("fr") and violation.text("en")
    assert violation.text("fr") != violation.text("en")
    assert violation.message == violation.text("en")
    assert violation.status == 422 and violation.code == "validation_error"
    assert violation.at("colonne").field == "colonne"
