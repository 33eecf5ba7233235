"""The billing engine's periodic work, run by `serve` and `worker`: once a day, business
invoices unpaid a day past their due date are announced overdue (`billing.invoice.overdue`),
each once. By hand: `itvision billing overdue` or `POST /api/billing/overdue`."""

from itvision.engines.billing.commands import FlagOverdueInvoices
from itvision.engines.billing.services.invoices import flag_overdue_invoices
from itvision.platform.jobs import PeriodicJob
from itvision.platform.system import Platform

DAY_SECONDS = 24 * 3600.0


async def flag_overdue(platform: Platform) -> int:
    return await flag_overdue_invoices(platform, FlagOverdueInvoices())


JOBS = [PeriodicJob("billing-overdue", DAY_SECONDS, flag_overdue)]
