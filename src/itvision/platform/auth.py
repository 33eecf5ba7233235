"""Who may do what: bearer tokens carrying a subject and a role.

A token is an API key made by `itvision tokens create` (only its SHA-256 is stored), a JWT
signed with ITVISION_JWT_SECRET (claims `sub` and `role`), or ITVISION_ADMIN_TOKEN, which
bootstraps the first admin. Every route declares the roles it admits with `require(...)`, or
declares itself open with `public`; a customer or technician reaches only their own records
(`Principal.ensure_owns`).

FastAPI parses a body before it runs any dependency, so for a request with a body the caller
is authenticated first by `request_guard` (without reading the body), which leaves the
principal in the request's state for `require(...)` to take.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from itvision.platform.db import Base, Database, UtcDateTime
from itvision.platform.errors import Forbidden, InvalidToken, NotFound, Unauthenticated
from itvision.platform.events import utcnow
from itvision.settings import Settings

TOKEN_PREFIX = "itv_"
PRINCIPAL_STATE = "itvision.principal"
"""Key of the request state where `request_guard` leaves a caller it authenticated."""


class Role(StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    CUSTOMER = "customer"
    TECHNICIAN = "technician"
    PARTNER = "partner"


STAFF_ROLES = frozenset({Role.ADMIN, Role.STAFF})


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str
    role: Role

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def owns(self, owner_subject: str) -> bool:
        return self.is_staff or self.subject == owner_subject

    def ensure_owns(self, owner_subject: str, what: str = "record", field: str = "") -> None:
        """Staff see everything; anyone else only their own records. Someone else's record
        answers the very 404 a missing one does (`{what} not found` on `{what}_id`, unless
        `field` says otherwise), so ids cannot be probed."""
        if not self.owns(owner_subject):
            raise NotFound(f"{what} not found", field=field or f"{what}_id")


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_api_token(db: Database, role: Role, subject: str, name: str = "") -> str:
    """Store a new API key and return it; it is shown once and never stored in clear."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    async with db.writes() as session, session.begin():
        session.add(
            ApiToken(
                id=str(uuid.uuid4()),
                token_hash=_digest(token),
                subject=subject,
                role=role.value,
                name=name,
                created_at=utcnow(),
            )
        )
    return token


async def authenticate(token: str, settings: Settings, db: Database) -> Principal:
    admin = settings.admin_token.get_secret_value() if settings.admin_token else None
    if admin and hmac.compare_digest(token.encode(), admin.encode()):
        return Principal("admin", Role.ADMIN)
    if token.startswith(TOKEN_PREFIX):
        async with db.reads() as session:
            row = await session.scalar(
                select(ApiToken).where(
                    ApiToken.token_hash == _digest(token), ApiToken.revoked_at.is_(None)
                )
            )
        if row is None:
            raise InvalidToken("unknown or revoked token")
        return Principal(row.subject, Role(row.role))
    if settings.jwt_secret is None:
        raise InvalidToken("unknown token")
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=["HS256"],
            options={"require": ["sub", "exp"]},
        )
        return Principal(str(claims["sub"]), Role(claims.get("role", Role.CUSTOMER)))
    except (jwt.PyJWTError, ValueError) as exc:
        raise InvalidToken(f"invalid token: {exc}") from None


_bearer = HTTPBearer(auto_error=False, description="API key (itv_…) or JWT")


async def _principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    if credentials is None:
        return None
    known: Principal | None = request.scope.get("state", {}).get(PRINCIPAL_STATE)
    if known is not None:
        return known
    platform = request.app.state.platform
    return await authenticate(credentials.credentials, platform.settings, platform.db)


def admit(principal: Principal | None, roles: frozenset[Role]) -> Principal:
    """The caller, if one of `roles`; otherwise a 401 (no token) or a 403."""
    if principal is None:
        raise Unauthenticated("a bearer token is required")
    if principal.role not in roles:
        raise Forbidden(f"role {principal.role} may not do this")
    return principal


def require(*roles: Role):  # type: ignore[no-untyped-def]
    """A dependency that admits only `roles` and returns the caller."""
    admitted = frozenset(roles)

    async def dependency(
        principal: Annotated[Principal | None, Depends(_principal)],
    ) -> Principal:
        return admit(principal, admitted)

    dependency.admitted_roles = admitted  # type: ignore[attr-defined]
    return Depends(dependency)


def admitted_roles(dependant: Dependant) -> frozenset[Role] | None:
    """The roles a route admits (from its `require(...)`), or None for an open route."""
    for call in _calls(dependant):
        roles: frozenset[Role] | None = getattr(call, "admitted_roles", None)
        if roles is not None:
            return roles
    return None


def _calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header, as `HTTPBearer` reads it."""
    scheme, token = get_authorization_scheme_param(authorization)
    return token if scheme.lower() == "bearer" and token else None


async def _public(
    principal: Annotated[Principal | None, Depends(_principal)],
) -> Principal | None:
    return principal


public = Depends(_public)
"""For routes open to anyone, token or not; gives the caller when there is one."""

Staff = Annotated[Principal, require(Role.ADMIN, Role.STAFF)]
Admin = Annotated[Principal, require(Role.ADMIN)]
Anyone = Annotated[Principal | None, public]
