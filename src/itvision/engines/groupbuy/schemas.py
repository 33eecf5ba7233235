"""What the group-buy API reads and answers. Prices are per unit in F CFA, VAT included."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from itvision.engines.groupbuy.events import GroupPaymentMethod
from itvision.engines.groupbuy.models import Participation
from itvision.engines.groupbuy.queries import GroupView
from itvision.engines.groupbuy.rules import MAX_TIERS, Basis, GroupStatus, ParticipationStatus
from itvision.engines.groupbuy.rules import RefundStatus as ParticipationRefund
from itvision.platform.inputs import InputModel, Moment, nonblank

Price = Annotated[int, Field(ge=1, le=1_000_000_000)]
Count = Annotated[int, Field(ge=1, le=100_000)]


class TierInput(InputModel):
    threshold: Count = Field(description="Participants or units (the group's basis) to reach")
    unit_price: Price


class GroupCreate(InputModel):
    sku: Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True), nonblank(100)]
    name: Annotated[str, nonblank(200)] | None = Field(
        default=None, description="Shown to customers; the product's name by default"
    )
    basis: Basis = Field(
        default="quantity", description="Tiers and the minimum count participants or units"
    )
    tiers: list[TierInput] = Field(min_length=1, max_length=MAX_TIERS)
    minimum: Count = Field(description="Paid participants or units needed for the group to succeed")
    deadline: Moment
    unit_price: Price | None = Field(
        default=None, description="The price before any tier; the SKU's current price by default"
    )
    max_participants: Count | None = Field(
        default=None, description="ITVISION_GROUPBUY_MAX_PARTICIPANTS by default"
    )
    max_total_quantity: Count | None = None
    max_quantity_per_person: Count = 5


class AddressInput(InputModel):
    recipient_name: Annotated[str, nonblank(200)]
    phone: Annotated[
        str,
        StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 ]{5,19}$"),
        Field(description="Digits, spaces allowed, an optional leading +: +221 77 123 45 67"),
    ]
    city: Annotated[str, nonblank(100)]
    area: Annotated[str, nonblank(100)] | None = None
    address_line: Annotated[str, nonblank(300)] | None = None
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = "SN"


class JoinCreate(InputModel):
    quantity: Count
    payment_method: GroupPaymentMethod = Field(
        description="Pay the group's current price at once with POST /api/payments "
        "{participation_id}"
    )
    delivery_method: Literal["home_delivery", "pickup"] = "home_delivery"
    delivery_address: AddressInput | None = Field(
        default=None, description="Required for home delivery"
    )

    @model_validator(mode="after")
    def _address_for_delivery(self) -> JoinCreate:
        if self.delivery_method == "home_delivery" and self.delivery_address is None:
            raise ValueError("home delivery needs a delivery_address")
        return self

    def address(self) -> dict[str, Any] | None:
        if self.delivery_method == "pickup" or self.delivery_address is None:
            return None
        return self.delivery_address.model_dump()


class TierPublic(BaseModel):
    threshold: int
    unit_price: int


class GroupPublic(BaseModel):
    id: str
    name: str
    sku: str
    product_id: str
    status: GroupStatus
    basis: Basis
    unit_price: int = Field(description="Before any tier")
    current_unit_price: int = Field(description="What a participant joining now pays")
    tiers: list[TierPublic]
    next_tier: TierPublic | None
    minimum: int
    max_participants: int
    max_total_quantity: int | None
    max_quantity_per_person: int
    participants: int = Field(description="Seats held: awaiting payment or paid")
    quantity: int
    paid_participants: int
    paid_quantity: int
    final_unit_price: int | None
    currency: str
    deadline: datetime
    created_at: datetime
    closed_at: datetime | None
    expired_at: datetime | None
    refunded_at: datetime | None

    @classmethod
    def of(cls, view: GroupView) -> GroupPublic:
        g = view.group
        fields = {name: getattr(g, name) for name in cls.model_fields if hasattr(g, name)}
        fields["tiers"] = [TierPublic(**t) for t in g.tiers]
        next_tier = view.next_tier
        return cls(
            **{
                **fields,
                "current_unit_price": view.current_unit_price,
                "next_tier": TierPublic(
                    threshold=next_tier.threshold, unit_price=next_tier.unit_price
                )
                if next_tier
                else None,
            }
        )


class ParticipationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    group_id: str
    customer_id: str
    quantity: int
    status: ParticipationStatus
    unit_price: int = Field(description="The unit price paid when joining")
    amount_due: int
    payment_method: GroupPaymentMethod
    delivery_method: Literal["home_delivery", "pickup"]
    pay_by: datetime
    paid_amount: int
    order_unit_price: int | None = Field(description="Closed: the unit price of the order")
    refund_status: ParticipationRefund
    refund_due: int = Field(description="Money to be given back (left, expired, difference)")
    refunded_amount: int
    joined_at: datetime
    paid_at: datetime | None
    ended_at: datetime | None
    refunded_at: datetime | None

    @classmethod
    def of(cls, row: Participation) -> ParticipationPublic:
        return cls.model_validate(row)
