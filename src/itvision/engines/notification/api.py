"""The notification API, mounted at /api/notifications. A customer reads and sets their own
contact details and preferences, reads their messages and watches products to hear when they
are back in stock; staff do so for anyone, edit the templates and preview them; WhatsApp
posts its signed status webhooks here."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send

from itvision.engines.notification import queries
from itvision.engines.notification.commands import (
    EditTemplate,
    RecordInbound,
    RecordStatus,
    SendDueMessages,
    SetContact,
    SetPreferences,
    StopWatch,
    WatchProduct,
)
from itvision.engines.notification.models import Contact
from itvision.engines.notification.rules import webhooks
from itvision.engines.notification.rules.templates import BUILT_IN, KINDS, render
from itvision.engines.notification.schemas import (
    ContactPublic,
    ContactUpdate,
    KindName,
    MessagePublic,
    PreferencePublic,
    PreferencesUpdate,
    PreviewPublic,
    TemplatePublic,
    TemplateUpdate,
    WatchCreate,
    WatchPublic,
)
from itvision.engines.notification.services import (
    contacts,
    sending,
    statuses,
    templates,
    watches,
)
from itvision.engines.notification.services.live import hub_of
from itvision.engines.notification.settings import NotificationSettings
from itvision.platform.auth import Anyone, Principal, Role, Staff, require
from itvision.platform.deps import PlatformDep
from itvision.platform.errors import Forbidden, InvalidInput
from itvision.platform.openapi import may_answer
from itvision.platform.pagination import Page, Paging

router = APIRouter()
PATH = "notifications"  # mounted at /api/notifications, as the issue names it

Recipient = Annotated[Principal, require(Role.ADMIN, Role.STAFF, Role.CUSTOMER, Role.TECHNICIAN)]
Customer = Annotated[Principal, require(Role.CUSTOMER)]
CustomerOrStaff = Annotated[Principal, require(Role.ADMIN, Role.STAFF, Role.CUSTOMER)]
CustomerPath = Annotated[str, Path(min_length=1, max_length=200)]
Locale = Literal["fr", "en"]


def _contact_public(contact: Contact) -> ContactPublic:
    return ContactPublic(
        customer_id=contact.customer_id,
        phone=contact.phone,
        email=contact.email,
        language=contact.language,
        country=contact.country,
        time_zone=contact.time_zone,
        quiet_start=contact.quiet_start,
        quiet_end=contact.quiet_end,
        push_subscribed=bool(contact.push_endpoint),
    )


@router.get("/contacts/{customer_id}", response_model=ContactPublic, responses=may_answer(404))
async def read_contact(
    platform: PlatformDep, customer_id: CustomerPath, caller: Recipient
) -> ContactPublic:
    """How a customer is reached (their own, or anyone's for staff)."""
    caller.ensure_owns(customer_id, "contact", "customer_id")
    return _contact_public(await queries.contact_of(platform, customer_id))


@router.put("/contacts/{customer_id}", response_model=ContactPublic, responses=may_answer(404))
async def set_contact(
    platform: PlatformDep, customer_id: CustomerPath, body: ContactUpdate, caller: Recipient
) -> ContactPublic:
    """Set phone, email, language, country, time zone, quiet hours and the browser's push
    subscription (all of them: what is left out is cleared)."""
    caller.ensure_owns(customer_id, "contact", "customer_id")
    push = body.push
    command = SetContact(
        customer_id=customer_id,
        phone=body.phone,
        email=body.email,
        language=body.language,
        country=body.country,
        time_zone=body.time_zone,
        quiet_start=body.quiet_start,
        quiet_end=body.quiet_end,
        push_endpoint=push.endpoint if push else None,
        push_p256dh=push.p256dh if push else None,
        push_auth=push.auth if push else None,
    )
    return _contact_public(await contacts.set_contact(platform, command))


@router.get(
    "/preferences/{customer_id}", response_model=list[PreferencePublic], responses=may_answer(404)
)
async def read_preferences(
    platform: PlatformDep, customer_id: CustomerPath, caller: Recipient
) -> list[PreferencePublic]:
    """The channels a customer turned on or off, per kind (`*`: every kind); a channel not
    listed is on."""
    caller.ensure_owns(customer_id, "contact", "customer_id")
    rows = await queries.preferences(platform, customer_id)
    return [PreferencePublic.model_validate(p) for p in rows]


@router.put(
    "/preferences/{customer_id}", response_model=list[PreferencePublic], responses=may_answer(404)
)
async def set_preferences(
    platform: PlatformDep, customer_id: CustomerPath, body: PreferencesUpdate, caller: Recipient
) -> list[PreferencePublic]:
    """Turn channels on or off per kind. An order's news still goes by one channel at least."""
    caller.ensure_owns(customer_id, "contact", "customer_id")
    choices = {(c.kind, c.channel): c.enabled for c in body.choices}
    await contacts.set_preferences(platform, SetPreferences(customer_id, choices))
    rows = await queries.preferences(platform, customer_id)
    return [PreferencePublic.model_validate(p) for p in rows]


@router.get("/messages", response_model=Page[MessagePublic])
async def list_messages(
    platform: PlatformDep,
    caller: Recipient,
    paging: Paging,
    customer_id: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    order_id: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
) -> Page[MessagePublic]:
    """Messages and their delivery status, newest first, per customer or per order; a
    customer sees only their own."""
    if not caller.is_staff:
        customer_id = caller.subject
    rows = await queries.messages(
        platform,
        customer_id=customer_id,
        order_id=order_id,
        limit=paging.limit + 1,
        offset=paging.offset,
    )
    items = [MessagePublic.model_validate(m) for m in rows[: paging.limit]]
    return Page(
        items=items, total=paging.offset + len(rows), limit=paging.limit, offset=paging.offset
    )


@router.get("/messages/{message_id}", response_model=MessagePublic, responses=may_answer(404))
async def read_message(
    platform: PlatformDep,
    message_id: Annotated[str, Path(min_length=1, max_length=36)],
    caller: Recipient,
) -> MessagePublic:
    message = await queries.message(platform, message_id)
    caller.ensure_owns(message.customer_id, "message")
    return MessagePublic.model_validate(message)


@router.post("/send", response_model=dict[str, int])
async def send_now(platform: PlatformDep, _: Staff) -> dict[str, int]:
    """Send what is due now (the sender does it on its own right after each event)."""
    return {"tried": await sending.send_due_messages(platform, SendDueMessages())}


@router.post(
    "/watches",
    status_code=201,
    response_model=WatchPublic,
    responses={200: {"description": "The customer watched this SKU already: that watch"}},
)
async def watch_product(
    platform: PlatformDep, body: WatchCreate, caller: Customer, response: Response
) -> WatchPublic:
    """Hear once, by the customer's channels, when this SKU (a product on sale, or one of its
    variants) is back in stock; the watch then ends. 404 on `body.sku` for an unknown SKU,
    409 for a product not on sale."""
    product = await queries.product_to_watch(platform, body.sku)
    command = WatchProduct(caller.subject, product.sku, product.name, product.name_en)
    watch, created = await watches.watch_product(platform, command)
    if not created:
        response.status_code = 200
    return WatchPublic.model_validate(watch)


@router.get("/watches", response_model=Page[WatchPublic])
async def list_watches(
    platform: PlatformDep,
    caller: CustomerOrStaff,
    paging: Paging,
    customer_id: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
) -> Page[WatchPublic]:
    """The products waited for, newest first: a customer's own; staff see anyone's
    (`customer_id`) or everyone's."""
    if not caller.is_staff:
        customer_id = caller.subject
    rows, total = await queries.watches(
        platform, customer_id=customer_id, limit=paging.limit, offset=paging.offset
    )
    return Page.of((WatchPublic.model_validate(w) for w in rows), total, paging)


@router.delete("/watches/{watch_id}", status_code=204, responses=may_answer(404))
async def stop_watch(
    platform: PlatformDep,
    watch_id: Annotated[str, Path(min_length=1, max_length=36)],
    caller: CustomerOrStaff,
) -> Response:
    """Stop waiting for a product (a customer their own watch; 404 for anyone else's)."""
    watch = await queries.watch(platform, watch_id)
    caller.ensure_owns(watch.customer_id, "watch")
    await watches.stop_watch(platform, StopWatch(watch_id))
    return Response(status_code=204)


async def _template(platform: PlatformDep, kind: str, locale: str) -> TemplatePublic:
    text = await queries.template_text(platform, kind, locale)
    edited = await queries.edited_templates(platform)
    return TemplatePublic(
        kind=kind,
        locale=locale,
        subject=text.subject,
        body=text.body,
        variables=list(KINDS[kind].variables),
        transactional=KINDS[kind].transactional,
        edited=(kind, locale) in edited,
    )


@router.get("/templates", response_model=list[TemplatePublic])
async def list_templates(platform: PlatformDep, _: Staff) -> list[TemplatePublic]:
    """Every template, built-in or as staff rewrote it."""
    edited = await queries.edited_templates(platform)
    found = []
    for kind, locale in BUILT_IN:
        mine = edited.get((kind, locale))
        text = mine or BUILT_IN[(kind, locale)]
        found.append(
            TemplatePublic(
                kind=kind,
                locale=locale,
                subject=text.subject,
                body=text.body,
                variables=list(KINDS[kind].variables),
                transactional=KINDS[kind].transactional,
                edited=mine is not None,
            )
        )
    return found


@router.get("/templates/{kind}/{locale}", response_model=TemplatePublic)
async def read_template(
    platform: PlatformDep, kind: KindName, locale: Locale, _: Staff
) -> TemplatePublic:
    return await _template(platform, kind, locale)


@router.put("/templates/{kind}/{locale}", response_model=TemplatePublic)
async def edit_template(
    platform: PlatformDep, kind: KindName, locale: Locale, body: TemplateUpdate, caller: Staff
) -> TemplatePublic:
    """Rewrite a template; it may use only its kind's placeholders (422 names the field)."""
    command = EditTemplate(kind, locale, body.subject, body.body, caller.subject)
    await templates.edit_template(platform, command)
    return await _template(platform, kind, locale)


@router.get("/templates/{kind}/{locale}/preview", response_model=PreviewPublic)
async def preview_template(
    platform: PlatformDep,
    kind: KindName,
    locale: Locale,
    _: Staff,
    country: Literal["SN", "CI"] = "SN",
) -> PreviewPublic:
    """The template rendered with sample data, as a customer of `country` would read it."""
    text = await queries.template_text(platform, kind, locale)
    zone = "Africa/Abidjan" if country == "CI" else "Africa/Dakar"
    shown = render(text, KINDS[kind].sample, locale, country, zone)
    return PreviewPublic(kind=kind, locale=locale, subject=shown.subject, body=shown.body)


@router.get(
    "/webhooks/whatsapp",
    response_class=PlainTextResponse,
    responses=may_answer(403),
    tags=["webhooks"],
)
async def whatsapp_subscription(
    platform: PlatformDep,
    _: Anyone,
    mode: Annotated[str | None, Query(alias="hub.mode", max_length=50)] = None,
    token: Annotated[str | None, Query(alias="hub.verify_token", max_length=500)] = None,
    challenge: Annotated[str | None, Query(alias="hub.challenge", max_length=500)] = None,
) -> PlainTextResponse:
    """Meta's subscription check: the challenge back when the verify token matches."""
    expected = platform.settings_of(NotificationSettings).whatsapp_verify_token
    if not webhooks.subscription_answer(mode, token, expected.get_secret_value()):
        raise Forbidden("the verify token does not match")
    return PlainTextResponse(challenge or "")


@router.post(
    "/webhooks/whatsapp",
    response_model=dict[str, int],
    responses=may_answer(403),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
    tags=["webhooks"],
)
async def whatsapp_webhook(platform: PlatformDep, request: Request, _: Anyone) -> dict[str, int]:
    """WhatsApp's status webhooks (`sent`, `delivered`, `read`, `failed`), proved by
    `X-Hub-Signature-256`; 403 when the signature does not match. A status for a message
    whose id is not recorded yet (it came before the send's answer) is parked, and applied
    once the id is recorded."""
    body = await request.body()
    secret = platform.settings_of(NotificationSettings).whatsapp_app_secret.get_secret_value()
    if not webhooks.signature_valid(secret, body, request.headers.get("x-hub-signature-256")):
        raise Forbidden("X-Hub-Signature-256 does not match the body")
    try:
        document = json.loads(body)
    except ValueError:
        raise InvalidInput("the body is not JSON", field="body") from None
    answer = {"applied": 0, "parked": 0}
    for item in webhooks.statuses_of(document):
        command = RecordStatus(item.message_id, item.status, item.error)
        found = await statuses.record_status(platform, command)
        answer["applied" if found is not None else "parked"] += 1
    for inbound in webhooks.inbound_of(document):
        await statuses.record_inbound(platform, RecordInbound(inbound.phone, inbound.at))
    return answer


async def live_endpoint(scope: Scope, receive: Receive, send: Send) -> None:
    """The Socket.IO endpoint (mounted by the app at `/socket.io`): the hub of the app's
    platform (see `services.live`)."""
    await hub_of(scope["app"].state.platform).asgi(scope, receive, send)
