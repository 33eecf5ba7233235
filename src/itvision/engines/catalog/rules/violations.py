"""Broken catalog rules, with a stable code and a message in French and in English.

The same violation is a 422 problem (English, like every API error) when a write comes through
the API, and a line of an import report (French by default: merchants read French) when it
comes from a spreadsheet row.
"""

from __future__ import annotations

from typing import Any, Literal

from itvision.platform.errors import InvalidInput

Language = Literal["fr", "en"]

MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("valeur obligatoire", "a value is required"),
    "invalid_number": ("« {value} » n'est pas un nombre", "{value!r} is not a number"),
    "not_whole_francs": (
        "« {value} » : le franc CFA n'a pas de centimes, montant entier attendu",
        "{value!r}: the CFA franc has no cents, a whole amount is expected",
    ),
    "not_whole": ("« {value} » : nombre entier attendu", "{value!r}: a whole number is expected"),
    "out_of_range": ("doit être entre {low} et {high}", "must be between {low} and {high}"),
    "invalid_unit": (
        "« {value} » : unité inconnue (attendu : {expected})",
        "{value!r}: unknown unit (expected: {expected})",
    ),
    "invalid_choice": (
        "« {value} » n'est pas parmi : {choices}",
        "{value!r} is not one of: {choices}",
    ),
    "invalid_sku": (
        "SKU « {value} » invalide : lettres A à Z sans accent, chiffres et . _ / - "
        "seulement, 64 au plus",
        "invalid SKU {value!r}: letters A to Z (no accents), digits and . _ / - only, at most 64",
    ),
    "invalid_slug": (
        "« {value} » invalide : minuscules, chiffres et tirets seulement",
        "invalid slug {value!r}: lowercase letters, digits and hyphens only",
    ),
    "too_long": ("{max} caractères au plus", "at most {max} characters"),
    "too_many": ("{max} au plus", "at most {max}"),
    "invalid_url": ("« {value} » n'est pas une URL http(s)", "{value!r} is not an http(s) URL"),
    "invalid_options": (
        "options attendues sous la forme nom=valeur|nom=valeur",
        "options are expected as name=value|name=value",
    ),
    "unknown_category": ("catégorie « {value} » introuvable", "no category {value!r}"),
    "category_elsewhere": (
        "la catégorie « {value} » existe déjà, mais pas sous « {parent} »",
        "category {value!r} exists already, but not under {parent!r}",
    ),
    "invalid_category_path": (
        "« {value} » : chemin de catégories attendu sous la forme Parent > Enfant",
        "{value!r}: a category path is expected as Parent > Child",
    ),
    "duplicate_in_file": (
        "SKU {sku} déjà présent ligne {row}",
        "SKU {sku} already on row {row}",
    ),
    "sku_is_variant": (
        "le SKU {sku} est une variante : indiquez son produit parent",
        "SKU {sku} is a variant: give its parent product",
    ),
    "sku_is_product": (
        "le SKU {sku} est un produit, pas une variante",
        "SKU {sku} is a product, not a variant",
    ),
    "variant_moved": (
        "la variante {sku} appartient à un autre produit ({parent})",
        "variant {sku} belongs to another product ({parent})",
    ),
    "unknown_parent": ("produit parent {sku} introuvable", "no parent product {sku}"),
    "parent_row_invalid": (
        "le produit parent (ligne {row}) est invalide",
        "the parent product (row {row}) is invalid",
    ),
    "grade_required": (
        "un produit reconditionné a un grade (A, B ou C)",
        "a refurbished product has a grade (A, B or C)",
    ),
    "grade_forbidden": (
        "seul un produit reconditionné a un grade",
        "only a refurbished product has a grade",
    ),
    "duplicate_options": (
        "mêmes options que la variante {sku}",
        "same options as variant {sku}",
    ),
    "active_needs_cost": (
        "un produit actif a un coût d'achat supérieur à 0",
        "an active product has a base cost above 0",
    ),
    "category_cycle": (
        "une catégorie ne peut pas être rangée sous elle-même ou sous ses sous-catégories",
        "a category cannot be placed under itself or one of its subcategories",
    ),
    "category_too_deep": (
        "{max} niveaux de catégories au plus",
        "at most {max} levels of categories",
    ),
    "empty_file": ("le fichier est vide", "the file is empty"),
    "not_text": (
        "le fichier n'est pas un texte UTF-8 (enregistrez-le en « CSV UTF-8 »)",
        "the file is not UTF-8 text (save it as 'CSV UTF-8')",
    ),
    "bad_csv": ("CSV illisible ligne {row} : {error}", "unreadable CSV on row {row}: {error}"),
    "missing_column": ("colonne « {column} » absente", "column {column!r} is missing"),
    "duplicate_column": (
        "les colonnes « {first} » et « {second} » disent la même chose",
        "columns {first!r} and {second!r} mean the same",
    ),
    "too_many_rows": ("{max} lignes au plus par import", "at most {max} rows per import"),
}


class Violation(InvalidInput):
    """A rule broken by a value of `field`; `rule` is its stable code, `params` fill the
    message. Raised through the API it is a 422 problem (`validation_error`) naming the field."""

    def __init__(self, rule: str, field: str | None = None, **params: Any) -> None:
        if rule not in MESSAGES:
            raise KeyError(f"no message for violation {rule!r}")
        self.rule = rule
        self.params = params
        super().__init__(_render(rule, "en", params), field=field)

    def text(self, language: Language = "fr") -> str:
        return _render(self.rule, language, self.params)

    def at(self, field: str) -> Violation:
        """The same violation, reported against `field` (e.g. the CSV column)."""
        return Violation(self.rule, field, **self.params)


def _render(rule: str, language: Language, params: dict[str, Any]) -> str:
    french, english = MESSAGES[rule]
    return (french if language == "fr" else english).format(**params)
