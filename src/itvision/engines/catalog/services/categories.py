"""Creating and changing categories.

A category moved under another parent changes the category path of every product below it:
each of those products gets a `catalog.product.updated` (changed_fields ['category_path']) in
the same unit of work, so that projections scoped by subtree stay right.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from itvision.engines.catalog.commands import CreateCategory, UpdateCategory
from itvision.engines.catalog.events import SOURCE
from itvision.engines.catalog.models import Category, Product, new_id
from itvision.engines.catalog.queries.categories import load_tree
from itvision.engines.catalog.rules import rows
from itvision.engines.catalog.rules.categories import (
    CategoryTree,
    NewCategory,
    check_parent,
    check_slug,
    slugify,
)
from itvision.engines.catalog.rules.products import changed_fields
from itvision.engines.catalog.services.writer import CatalogWriter
from itvision.platform.errors import Conflict, NotFound
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, UnitOfWork, unit_of_work


async def create_category(on: Runner, command: CreateCategory) -> str:
    """Emits `catalog.category.updated`; the new category's id. 409 if the slug is taken."""
    async with unit_of_work(on, SOURCE) as uow:
        tree = await load_tree(uow)
        # A slug made from the name is the name's fault: the client sent no slug.
        slug_from = "slug" if command.slug else "name_fr"
        slug = check_slug(
            command.slug.lower() if command.slug else slugify(command.name_fr), slug_from
        )
        if slug in tree.slugs:
            raise Conflict(f"slug {slug} is already used", field=slug_from)
        parent_id = tree.require(command.parent_id, "parent_id") if command.parent_id else None
        check_parent(tree.parents, None, parent_id)
        writer = CatalogWriter(uow, tree)
        new = NewCategory(new_id(), slug, command.name_fr, parent_id)
        writer.add_category(new, name_en=command.name_en, is_active=command.is_active)
        await writer.flush(f"slug {slug}", slug_from)
        return new.id


async def update_category(on: Runner, command: UpdateCategory) -> str:
    """Emits `catalog.category.updated` if anything changed, and `catalog.product.updated`
    for every product below a moved category; the category's id."""
    async with unit_of_work(on, SOURCE) as uow:
        tree = await load_tree(uow)
        category_id = tree.resolve(command.category)
        category = await uow.session.get(Category, category_id) if category_id else None
        if category is None:
            raise NotFound(f"no category {command.category}", field="ref")
        before = _category_values(category)
        after = _checked({**before, **command.changes()}, command, tree, category.id)
        changed = changed_fields(before, after, list(before))
        if not changed:
            return category.id
        for field in changed:
            setattr(category, field, after[field])
        category.updated_at = utcnow()
        await CatalogWriter(uow, tree).flush(f"slug {category.slug}", "slug")
        tree.parents[category.id] = category.parent_id
        uow.emit(rows.category_updated(category, tree.path(category.id)))
        if "parent_id" in changed:
            await _announce_moved_products(uow, tree, category.id)
        return category.id


def _checked(
    after: dict[str, Any], command: UpdateCategory, tree: CategoryTree, category_id: str
) -> dict[str, Any]:
    """The category's values after the command, its slug and parent checked."""
    changes = command.changes()
    if "slug" in changes:
        after["slug"] = check_slug(after["slug"].lower())
        if tree.slugs.get(after["slug"], category_id) != category_id:
            raise Conflict(f"slug {after['slug']} is already used", field="slug")
    if "parent_id" in changes and after["parent_id"] is not None:
        after["parent_id"] = tree.require(after["parent_id"], "parent_id")
        check_parent(tree.parents, category_id, after["parent_id"])
    return after


def _category_values(category: Category) -> dict[str, Any]:
    return {
        "slug": category.slug,
        "name_fr": category.name_fr,
        "name_en": category.name_en,
        "parent_id": category.parent_id,
        "is_active": category.is_active,
    }


async def _announce_moved_products(uow: UnitOfWork, tree: CategoryTree, moved: str) -> None:
    products = await uow.session.scalars(
        select(Product).where(Product.category_id.in_(tree.subtree(moved))).order_by(Product.id)
    )
    now = utcnow()
    for product in products:
        product.updated_at = now
        uow.emit(
            rows.product_updated(product, tree.path(product.category_id), ["category_path"]),
        )
