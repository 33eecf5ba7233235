"""The rules of the category tree, as pure functions over plain values (no I/O).

- A slug is lowercase letters, digits and hyphens, unique in the catalog; made from the French
  name when not given.
- Categories form a tree: a category is never placed under itself or its own subtree, and the
  tree is at most MAX_CATEGORY_DEPTH levels deep.
- A spreadsheet's category cell names a category by id, slug or French name, or by a path of
  them (`Informatique > Ordinateurs portables`); an import asked to create categories creates
  those the cell names and the catalog lacks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from itvision.engines.catalog.rules.products import strip_accents
from itvision.engines.catalog.rules.violations import Violation

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 80
NAME_MAX = 120
MAX_CATEGORY_DEPTH = 6
PATH_SEPARATOR = ">"


def slugify(text: str) -> str:
    """'Ordinateurs portables & PC' → 'ordinateurs-portables-pc'."""
    ascii_text = strip_accents(text).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:SLUG_MAX].strip("-")


def check_slug(slug: str, field: str = "slug") -> str:
    if not _SLUG.match(slug) or len(slug) > SLUG_MAX:
        raise Violation("invalid_slug", field, value=slug)
    return slug


def category_path(parents: Mapping[str, str | None], category_id: str) -> list[str]:
    """Ids from the root to `category_id`, inclusive."""
    path = [category_id]
    parent = parents[category_id]
    while parent is not None:
        if parent in path:  # a corrupted tree must not hang a request
            raise ValueError(f"category {category_id} is in a cycle")
        path.append(parent)
        parent = parents[parent]
    return path[::-1]


def subtree(parents: Mapping[str, str | None], category_id: str) -> set[str]:
    """`category_id` and every category under it."""
    children: dict[str, list[str]] = {}
    for child, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    found, todo = set(), [category_id]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, ()))
    return found


def check_parent(
    parents: Mapping[str, str | None], category_id: str | None, parent_id: str | None
) -> None:
    """Placing `category_id` (None: a new one) under `parent_id` keeps the tree a tree."""
    if parent_id is None:
        return
    if category_id is not None and parent_id in subtree(parents, category_id):
        raise Violation("category_cycle", "parent_id")
    below = _height(parents, category_id) if category_id is not None else 1
    if len(category_path(parents, parent_id)) + below > MAX_CATEGORY_DEPTH:
        raise Violation("category_too_deep", "parent_id", max=MAX_CATEGORY_DEPTH)


def _height(parents: Mapping[str, str | None], category_id: str) -> int:
    """Levels from `category_id` down to its deepest descendant, itself counted."""
    depth = {category_id: 1}
    ordered = sorted(subtree(parents, category_id), key=lambda c: len(category_path(parents, c)))
    for child in ordered:
        parent = parents[child]
        if child != category_id and parent is not None:
            depth[child] = depth[parent] + 1
    return max(depth.values())


@dataclass(frozen=True, slots=True)
class NewCategory:
    """A category an import creates, with the id it will have."""

    id: str
    slug: str
    name_fr: str
    parent_id: str | None


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
        return category_path(self.parents, category_id)

    def subtree(self, category_id: str) -> set[str]:
        return subtree(self.parents, category_id)

    def add(self, category: NewCategory) -> None:
        self.parents[category.id] = category.parent_id
        self.slugs[category.slug] = category.id

    def remove(self, categories: list[NewCategory]) -> None:
        for category in categories:
            del self.parents[category.id]
            del self.slugs[category.slug]


def name_from_cell(segment: str) -> str:
    """The French name of a category made from a cell: 'ordinateurs-portables' (a slug) →
    'Ordinateurs portables'; anything else is the name as written, spaces tidied."""
    if _SLUG.match(segment):
        words = segment.replace("-", " ")
        return words[0].upper() + words[1:]
    return " ".join(segment.split())


def place_cell(
    tree: CategoryTree, cell: str, *, create: bool, new_id: Callable[[], str]
) -> tuple[str, list[NewCategory]]:
    """The id of the category a spreadsheet cell names, and the categories to create for it:
    only when `create`, and then added to `tree`. Each segment of a path names a category by
    id, slug or French name; the first may be anywhere, each next one is under the one before.
    Raises a Violation (the caller says which column it is about)."""
    segments = [s.strip() for s in cell.split(PATH_SEPARATOR)]
    if not all(segments):
        raise Violation("invalid_category_path", value=cell)
    created: list[NewCategory] = []
    parent: str | None = None
    try:
        for number, segment in enumerate(segments):
            category_id = tree.resolve(segment) or tree.resolve(slugify(segment))
            if category_id is None:
                new = _new_category(tree, segment, parent, create=create, new_id=new_id, cell=cell)
                tree.add(new)
                created.append(new)
                category_id = new.id
            elif number and tree.parents[category_id] != parent:
                raise Violation("category_elsewhere", value=segment, parent=segments[number - 1])
            parent = category_id
    except Violation:
        tree.remove(created)
        raise
    assert parent is not None
    return parent, created


def _new_category(
    tree: CategoryTree,
    segment: str,
    parent_id: str | None,
    *,
    create: bool,
    new_id: Callable[[], str],
    cell: str,
) -> NewCategory:
    if not create:
        raise Violation("unknown_category", value=cell)
    name = name_from_cell(segment)
    if len(name) > NAME_MAX:
        raise Violation("too_long", max=NAME_MAX)
    slug = check_slug(slugify(name))
    check_parent(tree.parents, None, parent_id)
    return NewCategory(new_id(), slug, name, parent_id)
