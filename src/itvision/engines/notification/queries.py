"""Reads of the notification engine: contacts, preferences, templates, messages, watches,
and the catalog's word on a product to watch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, and_, func, literal, or_, select

from itvision.engines.catalog import get_product, get_product_by_sku, get_variant_by_sku
from itvision.engines.inventory import availability
from itvision.engines.notification.models import (
    Contact,
    GroupMember,
    Message,
    Preference,
    Template,
    Watch,
)
from itvision.engines.notification.rules.delivery import Reach
from itvision.engines.notification.rules.templates import BUILT_IN, Text
from itvision.platform.errors import Conflict, NotFound
from itvision.platform.system import Platform
from itvision.platform.uow import Runner, read_session


def reach_of(contact: Contact | None) -> Reach:
    if contact is None:
        return Reach()
    return Reach(
        phone=contact.phone,
        email=contact.email,
        push=bool(contact.push_endpoint),
        time_zone=contact.time_zone,
        quiet_start=contact.quiet_start,
        quiet_end=contact.quiet_end,
    )


async def contact(on: Runner, customer_id: str) -> Contact | None:
    async with read_session(on) as session:
        return await session.get(Contact, customer_id)


async def contact_of(on: Runner, customer_id: str) -> Contact:
    found = await contact(on, customer_id)
    if found is None:
        raise NotFound("contact not found", field="customer_id")
    return found


@dataclass(frozen=True, slots=True)
class Recipient:
    """What a message of one kind to one customer needs: how to reach them (None: nothing
    known of them), their on/off per channel for the kind, the template in their language."""

    contact: Contact | None
    choices: dict[str, bool]
    text: Text

    @property
    def language(self) -> str:
        return _language(self.contact)


async def recipient(on: Runner, customer_id: str, kind: str) -> Recipient:
    """In one read: a message is queued for most events of an order. The customer's choices
    for `kind` and for every kind (`*`, which the kind's own choice overrides); the template
    staff rewrote for the kind in the customer's language, else the built-in one."""
    asked = select(literal(customer_id, String).label("customer_id")).subquery()
    language = func.coalesce(Contact.language, "fr")  # as _language
    query = (
        select(
            Contact,
            Template.subject,
            Template.body,
            Preference.kind,
            Preference.channel,
            Preference.enabled,
        )
        .select_from(asked)
        .outerjoin(Contact, Contact.customer_id == asked.c.customer_id)
        .outerjoin(Template, and_(Template.kind == kind, Template.locale == language))
        .outerjoin(
            Preference,
            and_(Preference.customer_id == asked.c.customer_id, Preference.kind.in_((kind, "*"))),
        )
    )
    async with read_session(on) as session:
        rows = (await session.execute(query)).all()
    contact, subject, body = rows[0].Contact, rows[0].subject, rows[0].body
    chosen = sorted(
        ((r.kind, r.channel, r.enabled) for r in rows if r.kind is not None),
        key=lambda choice: choice[0] != "*",  # the kind's own choice wins
    )
    text = Text(subject, body) if subject is not None else _built_in(kind, _language(contact))
    return Recipient(contact, {channel: enabled for _, channel, enabled in chosen}, text)


def _language(contact: Contact | None) -> str:
    return contact.language if contact else "fr"


async def preferences(on: Runner, customer_id: str) -> list[Preference]:
    async with read_session(on) as session:
        rows = await session.scalars(
            select(Preference)
            .where(Preference.customer_id == customer_id)
            .order_by(Preference.kind, Preference.channel)
        )
        return list(rows)


async def template_text(on: Runner, kind: str, locale: str) -> Text:
    async with read_session(on) as session:
        edited = await session.get(Template, (kind, locale))
    if edited is not None:
        return Text(edited.subject, edited.body)
    return _built_in(kind, locale)


def _built_in(kind: str, locale: str) -> Text:
    return BUILT_IN.get((kind, locale)) or BUILT_IN[(kind, "fr")]


async def edited_templates(on: Runner) -> dict[tuple[str, str], Template]:
    async with read_session(on) as session:
        return {(t.kind, t.locale): t for t in await session.scalars(select(Template))}


async def message(on: Runner, message_id: str) -> Message:
    async with read_session(on) as session:
        found = await session.get(Message, message_id)
    if found is None:
        raise NotFound("message not found", field="message_id")
    return found


async def messages(
    on: Runner,
    *,
    customer_id: str | None = None,
    order_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Message]:
    query = select(Message).order_by(Message.created_at.desc(), Message.id).limit(limit)
    if customer_id is not None:
        query = query.where(Message.customer_id == customer_id)
    if order_id is not None:
        query = query.where(Message.order_id == order_id)
    async with read_session(on) as session:
        return list(await session.scalars(query.offset(offset)))


async def due_messages(on: Runner, now: datetime, limit: int) -> list[Message]:
    async with read_session(on) as session:
        rows = await session.scalars(
            select(Message)
            .where(
                Message.status == "queued",
                or_(Message.next_attempt_at.is_(None), Message.next_attempt_at <= now),
            )
            .order_by(Message.next_attempt_at)
            .limit(limit)
        )
        return list(rows)


async def contacts_by_id(on: Runner, customer_ids: set[str]) -> dict[str, Contact]:
    async with read_session(on) as session:
        rows = await session.scalars(select(Contact).where(Contact.customer_id.in_(customer_ids)))
        return {c.customer_id: c for c in rows}


async def group_members(on: Runner, group_id: str) -> list[str]:
    async with read_session(on) as session:
        rows = await session.scalars(
            select(GroupMember.customer_id)
            .where(GroupMember.group_id == group_id)
            .order_by(GroupMember.customer_id)
        )
        return list(rows)


@dataclass(frozen=True)
class WatchedProduct:
    sku: str
    name: str
    name_en: str | None


async def product_to_watch(platform: Platform, sku: str) -> WatchedProduct:
    """The product or variant `sku` names, through the catalog's facade: 404 on `body.sku`
    for an unknown SKU; 409 for a product not on sale (it will not come back) or one in stock
    now (inventory's facade: there is nothing to wait for)."""
    product = await get_product_by_sku(platform, sku)
    variant = None
    if product is None:
        variant = await get_variant_by_sku(platform, sku)
        if variant is not None:
            product = await get_product(platform, variant.product_id)
    if product is None:
        raise NotFound(f"no product has the SKU {sku!r}", field="body.sku")
    if product.status != "active":
        raise Conflict(f"{sku!r} is not on sale", field="body.sku")
    sku = variant.sku if variant is not None else product.sku
    stock = await availability(platform, sku)
    if stock is not None and stock.in_stock:
        raise Conflict(f"{sku!r} is in stock", field="body.sku")
    name, name_en = product.name, product.name_en
    if variant is not None and variant.options:
        options = f" ({', '.join(variant.options.values())})"
        name, name_en = name + options, name_en + options if name_en else None
    return WatchedProduct(sku, name, name_en)


async def watch(on: Runner, watch_id: str) -> Watch:
    async with read_session(on) as session:
        found = await session.get(Watch, watch_id)
    if found is None:
        raise NotFound("watch not found", field="watch_id")
    return found


async def watches(
    on: Runner, *, customer_id: str | None, limit: int, offset: int
) -> tuple[list[Watch], int]:
    """One page of watches (a customer's, or everyone's), newest first, and their count."""
    query = select(Watch)
    if customer_id is not None:
        query = query.where(Watch.customer_id == customer_id)
    async with read_session(on) as session:
        total = await session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await session.scalars(
            query.order_by(Watch.created_at.desc(), Watch.id).limit(limit).offset(offset)
        )
        return list(rows), total or 0
