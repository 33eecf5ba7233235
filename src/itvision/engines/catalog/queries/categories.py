"""Reading categories: the whole tree (small, so read whole), lists and one category.

Callers who are not staff see active categories only."""

from __future__ import annotations

from sqlalchemy import select

from itvision.engines.catalog.models import Category
from itvision.engines.catalog.rules.categories import CategoryTree
from itvision.engines.catalog.schemas import CategoryNode, CategoryPublic
from itvision.platform.errors import NotFound
from itvision.platform.uow import Runner, read_session


async def load_tree(on: Runner) -> CategoryTree:
    """Every category's parent and slug; use cases pass their unit of work."""
    async with read_session(on) as session:
        rows = (await session.execute(select(Category.id, Category.parent_id, Category.slug))).all()
    return CategoryTree({r.id: r.parent_id for r in rows}, {r.slug: r.id for r in rows})


async def list_categories(on: Runner, *, staff: bool) -> list[CategoryPublic]:
    """Every category, flat, by French name (staff also see inactive ones)."""
    tree = await load_tree(on)
    query = select(Category).order_by(Category.name_fr, Category.id)
    if not staff:
        query = query.where(Category.is_active.is_(True))
    async with read_session(on) as session:
        return [CategoryPublic.of(c, tree.path(c.id)) for c in await session.scalars(query)]


async def category_tree(on: Runner, *, staff: bool) -> list[CategoryNode]:
    """The categories as nested nodes; a hidden (inactive) category hides its subtree from
    non-staff callers."""
    categories = await list_categories(on, staff=staff)
    nodes = {c.id: CategoryNode(**c.model_dump()) for c in categories}
    roots: list[CategoryNode] = []
    for node in nodes.values():
        if node.parent_id is None:
            roots.append(node)
        elif node.parent_id in nodes:
            nodes[node.parent_id].children.append(node)
    return roots


async def get_category(on: Runner, ref: str, *, staff: bool) -> CategoryPublic:
    """A category by id or slug."""
    tree = await load_tree(on)
    category_id = tree.resolve(ref)
    async with read_session(on) as session:
        category = await session.get(Category, category_id) if category_id else None
    if category is None or not (staff or category.is_active):
        raise NotFound(f"no category {ref}", field="ref")
    return CategoryPublic.of(category, tree.path(category.id))
