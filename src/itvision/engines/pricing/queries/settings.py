"""The pricing settings as stored: every scope's row of `pricing_scopes`, read into a snapshot.

A loader takes what a whole request needs in one query (all the scopes of a cart's chains), and
a process keeps every scope's settings in memory while their revision holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.pricing.models import ScopeSettings
from itvision.engines.pricing.rules.scopes import GLOBAL, GlobalSettings, Overrides
from itvision.engines.pricing.rules.tiers import tiers_from_json
from itvision.platform.uow import Runner, read_session


@dataclass(frozen=True, slots=True)
class SettingsSnapshot:
    """The global settings and the overrides of the scopes that were loaded, at `revision`."""

    settings: GlobalSettings = field(default_factory=GlobalSettings)
    overrides: dict[str, Overrides] = field(default_factory=dict)
    revision: int = 0


async def settings_snapshot(on: Runner, scopes: Iterable[str] | None = None) -> SettingsSnapshot:
    """The global settings and what `scopes` set (every scope when None)."""
    async with read_session(on) as session:
        return await load_settings(session, scopes)


def global_settings(row: Any) -> GlobalSettings:
    """From the `global` row of pricing_scopes (an ORM object or a row), or the defaults."""
    defaults = GlobalSettings()
    if row is None:
        return defaults

    def pick(value: Any, default: Any) -> Any:
        return default if value is None else value

    return GlobalSettings(
        default_margin_rate=pick(row.margin_rate, defaults.default_margin_rate),
        service_fee_rate=pick(row.service_fee_rate, defaults.service_fee_rate),
        insurance_rate=pick(row.insurance_rate, defaults.insurance_rate),
        min_margin_rate=pick(row.min_margin_rate, defaults.min_margin_rate),
        vat_rate=pick(row.vat_rate, defaults.vat_rate),
        rounding_step=pick(row.rounding_step, defaults.rounding_step),
        rounding_mode=pick(row.rounding_mode, defaults.rounding_mode),
        quote_validity_hours=pick(row.quote_validity_hours, defaults.quote_validity_hours),
        tiers=pick(tiers_from_json(row.tiers), defaults.tiers),
    )


def overrides_of(row: Any) -> Overrides:
    return Overrides(
        margin_rate=row.margin_rate,
        service_fee_rate=row.service_fee_rate,
        insurance_rate=row.insurance_rate,
        tiers=tiers_from_json(row.tiers),
    )


async def load_settings(
    session: AsyncSession, scopes: Iterable[str] | None = None
) -> SettingsSnapshot:
    """The global settings and the overrides of `scopes` (every scope when None)."""
    # Core rows, not ORM objects: this runs for every quote and every price read.
    query = select(*ScopeSettings.__table__.c)
    if scopes is not None:
        query = query.where(ScopeSettings.scope.in_({GLOBAL, *scopes}))
    rows = {row.scope: row for row in await session.execute(query)}
    global_row = rows.pop(GLOBAL, None)
    return SettingsSnapshot(
        global_settings(global_row),
        {scope: overrides_of(row) for scope, row in rows.items()},
        revision=(global_row.revision or 0) if global_row is not None else 0,
    )


class SettingsCache:
    """Every scope's settings, kept in memory per database while their revision holds.

    The revision is read in the same query as the cart's SKUs, so a quote costs no settings
    query unless the settings changed since (in this process or any other)."""

    def __init__(self) -> None:
        self._snapshots: WeakKeyDictionary[Any, SettingsSnapshot] = WeakKeyDictionary()

    async def snapshot(self, session: AsyncSession, revision: int) -> SettingsSnapshot:
        database = session.get_bind()
        cached = self._snapshots.get(database)
        if cached is not None and cached.revision == revision:
            return cached
        snapshot = await load_settings(session)
        self._snapshots[database] = snapshot
        return snapshot


SETTINGS_CACHE = SettingsCache()
