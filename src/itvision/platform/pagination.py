"""List endpoints answer one page: `?limit=&offset=` in, `{items, total, limit, offset}` out."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

T = TypeVar("T")
U = TypeVar("U")
MAX_OFFSET = 10**9  # far past any list we hold, well inside every database's integers


class PageParams(BaseModel):
    limit: int
    offset: int


async def _page_params(
    limit: Annotated[int, Query(ge=1, le=200, description="Items per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


Paging = Annotated[PageParams, Depends(_page_params)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int

    @classmethod
    def of(cls, items: Iterable[T], total: int, paging: PageParams) -> Page[T]:
        """One page of `total` items, as `paging` asked for it."""
        return cls(items=list(items), total=total, limit=paging.limit, offset=paging.offset)

    def map(self, present: Callable[[T], U]) -> Page[U]:
        """The same page, each item as `present` makes it."""
        return Page(
            items=[present(i) for i in self.items],
            total=self.total,
            limit=self.limit,
            offset=self.offset,
        )
