"""Events of the profitability engine: margins per product and period, alerts, P&L reports.

A margin can be negative (a product sold at a loss), so margins are `SignedAmount` and margin
rates are `SignedRate`: margin divided by revenue, None when there was no revenue.
"""

from typing import Literal

from pydantic import Field

from itvision.platform.events import (
    Amount,
    Currency,
    Payload,
    Rate,
    SignedAmount,
    SignedRate,
    UtcDatetime,
)
from itvision.platform.topics import Topic

SOURCE = "profitability-engine"


class MarginComputed(Payload):
    product_id: str
    period_start: UtcDatetime
    period_end: UtcDatetime
    units_sold: int = Field(ge=0)
    revenue: Amount
    cost_of_goods: Amount
    fees: Amount = Field(default=0, description="Payment, shipping and insurance costs borne")
    gross_margin: SignedAmount
    margin_rate: SignedRate | None = None
    currency: Currency = "XOF"
    computed_at: UtcDatetime


class AlertRaised(Payload):
    alert_id: str
    product_id: str
    kind: Literal["negative_margin", "margin_below_target", "cost_increase", "price_below_cost"]
    severity: Literal["warning", "critical"]
    margin_rate: SignedRate | None = None
    target_margin_rate: Rate | None = None
    message: str = Field(description="Readable summary, in French")
    raised_at: UtcDatetime


class ReportGenerated(Payload):
    report_id: str
    period: Literal["daily", "weekly", "monthly", "quarterly", "yearly"]
    period_start: UtcDatetime
    period_end: UtcDatetime
    revenue: Amount
    cost_of_goods: Amount
    operating_costs: Amount
    net_margin: SignedAmount
    margin_rate: SignedRate | None = None
    currency: Currency = "XOF"
    document_url: str | None = None
    generated_at: UtcDatetime


TOPICS: tuple[Topic, ...] = (
    Topic(
        "profitability.margin.computed",
        MarginComputed,
        SOURCE,
        "A product's margin over a period was computed (Marge calculée)",
        key="product_id",
    ),
    Topic(
        "profitability.alert.raised",
        AlertRaised,
        SOURCE,
        "A product's profitability crossed an alert threshold (Alerte de rentabilité)",
        key="product_id",
    ),
    Topic(
        "profitability.report.generated",
        ReportGenerated,
        SOURCE,
        "A profit and loss report was produced (Rapport généré)",
        key="report_id",
    ),
)
