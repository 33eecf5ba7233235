"""The category tree, and the use cases that change it.

A category moved under another parent changes the category path of every product below it:
each of those products gets a `catalog.product.updated` (changed_fields ['category_path']) in
the same unit of work, so that projections scoped by subtree stay right.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.catalog import records, rules
from itvision.engines.catalog.models import Category, Product, new_id
from itvision.engines.catalog.schemas import CategoryCreate, CategoryPublic
from itvision.engines.catalog.violations import Violation
from itvision.platform.errors import Conflict, NotFound
from itvision.platform.events import utcnow
from itvision.platform.system import Platform
from itvision.platform.uow import UnitOfWork

SOURCE = "catalog-engine"


@dataclass
class CategoryTree:
    """Every category's parent and slug: the tree is small, so it is read whole."""

    parents: dict[str, str | None]
    slugs: dict[str, str]

    def resolve(self, ref: str) -> str | None:
        """The id of the category with this id or slug."""
        if ref in self.parents:
            return ref
        return self.slugs.get(ref.strip().lower())

    def require(self, ref: str, field: str) -> str:
        category_id = self.resolve(ref)
        if category_id is None:
            raise Violation("unknown_category", field, value=ref)
        return category_id

    def path(self, category_id: str) -> list[str]:
        return rules.category_path(self.parents, category_id)

    def subtree(self, category_id: str) -> set[str]:
        return rules.subtree(self.parents, category_id)


async def load_tree(session: AsyncSession) -> CategoryTree:
    rows = (await session.execute(select(Category.id, Category.parent_id, Category.slug))).all()
    return CategoryTree({r.id: r.parent_id for r in rows}, {r.slug: r.id for r in rows})


def category_public(category: Category, tree: CategoryTree) -> CategoryPublic:
    return CategoryPublic(
        id=category.id,
        slug=category.slug,
        name_fr=category.name_fr,
        name_en=category.name_en,
        parent_id=category.parent_id,
        path=tree.path(category.id),
        is_active=category.is_active,
    )


async def create_category(platform: Platform, data: CategoryCreate) -> CategoryPublic:
    async with platform.uows(SOURCE) as uow:
        tree = await load_tree(uow.session)
        slug = rules.check_slug(data.slug.lower() if data.slug else rules.slugify(data.name_fr))
        if slug in tree.slugs:
            raise Conflict(f"slug {slug} is already used", field="slug")
        parent_id = tree.require(data.parent_id, "parent_id") if data.parent_id else None
        rules.check_parent(tree.parents, None, parent_id)
        now = utcnow()
        category = Category(
            id=new_id(),
            slug=slug,
            name_fr=data.name_fr,
            name_en=data.name_en,
            parent_id=parent_id,
            is_active=data.is_active,
            created_at=now,
            updated_at=now,
        )
        uow.session.add(category)
        await _flush_slug(uow.session, slug)
        tree.parents[category.id] = parent_id
        uow.emit(records.category_updated(category, tree.path(category.id)))
        return category_public(category, tree)


async def update_category(platform: Platform, ref: str, changes: dict[str, Any]) -> CategoryPublic:
    async with platform.uows(SOURCE) as uow:
        tree = await load_tree(uow.session)
        category_id = tree.resolve(ref)
        category = await uow.session.get(Category, category_id) if category_id else None
        if category is None:
            raise NotFound(f"no category {ref}", field="id")
        before = _category_values(category)
        after = {**before, **changes}
        if "slug" in changes:
            after["slug"] = rules.check_slug(after["slug"].lower())
            if tree.slugs.get(after["slug"], category.id) != category.id:
                raise Conflict(f"slug {after['slug']} is already used", field="slug")
        if "parent_id" in changes and after["parent_id"] is not None:
            after["parent_id"] = tree.require(after["parent_id"], "parent_id")
            rules.check_parent(tree.parents, category.id, after["parent_id"])
        changed = rules.changed_fields(before, after, list(before))
        if not changed:
            return category_public(category, tree)
        for field in changed:
            setattr(category, field, after[field])
        category.updated_at = utcnow()
        await _flush_slug(uow.session, category.slug)
        tree.parents[category.id] = category.parent_id
        uow.emit(records.category_updated(category, tree.path(category.id)))
        if "parent_id" in changed:
            await _announce_moved_products(uow, tree, category.id)
        return category_public(category, tree)


def _category_values(category: Category) -> dict[str, Any]:
    return {
        "slug": category.slug,
        "name_fr": category.name_fr,
        "name_en": category.name_en,
        "parent_id": category.parent_id,
        "is_active": category.is_active,
    }


async def _flush_slug(session: AsyncSession, slug: str) -> None:
    # Two writers may race for a slug on PostgreSQL: the unique index decides.
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(f"slug {slug} is already used", field="slug") from None


async def _announce_moved_products(uow: UnitOfWork, tree: CategoryTree, moved: str) -> None:
    products = await uow.session.scalars(
        select(Product).where(Product.category_id.in_(tree.subtree(moved))).order_by(Product.id)
    )
    now = utcnow()
    for product in products:
        product.updated_at = now
        uow.emit(
            records.product_updated(product, tree.path(product.category_id), ["category_path"]),
        )
