"""The payment engine's periodic work, run by `serve` and `worker`: notifications left
unprocessed (every 5 s), refunds through a provider's API and sessions of cancelled orders to
close (every 5 s), and reconciliation of payments pending too long (every minute). Each calls
its providers outside any transaction."""

from itvision.engines.payment.commands import (
    CloseSessions,
    PerformRefunds,
    ProcessNotifications,
    ReconcilePayments,
)
from itvision.engines.payment.services import notifications, reconciliation, refunds
from itvision.platform.jobs import PeriodicJob
from itvision.platform.system import Platform


async def process_left_notifications(platform: Platform) -> int:
    return await notifications.process_notifications(platform, ProcessNotifications())


async def give_money_back(platform: Platform) -> int:
    closed = await refunds.close_sessions(platform, CloseSessions())
    return closed + await refunds.perform_refunds(platform, PerformRefunds())


async def reconcile(platform: Platform) -> object:
    return await reconciliation.reconcile_payments(platform, ReconcilePayments())


JOBS = [
    PeriodicJob("payment-notifications", 5.0, process_left_notifications),
    PeriodicJob("payment-refunds", 5.0, give_money_back),
    PeriodicJob("payment-reconcile", 60.0, reconcile),
]
