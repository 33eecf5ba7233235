"""Which channels a message goes by, and when.

- Each kind has a fallback chain (WhatsApp → SMS → email by default; in-app and push are
  extra, not fallbacks). A channel is in the chain when the recipient can be reached by it and
  has not turned it off for this kind.
- Opt-out is honoured, except that a transactional message (an order's life, a payment, an
  invoice) always keeps at least one channel: if the customer turned every reachable channel
  off, the first reachable one of the default chain stays.
- Quiet hours (local time, [start, end), may wrap midnight) delay what is not transactional
  to the end of the quiet period; an order's news goes at once.
- A channel that fails is tried again with backoff, then the next channel takes over; a
  permanent refusal (bad number, unknown template) moves on at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

CHANNELS = ("whatsapp", "sms", "email", "push", "in_app")
FALLBACK_CHAIN = ("whatsapp", "sms", "email")
MAX_BACKOFF = timedelta(minutes=10)


@dataclass(frozen=True)
class Reach:
    """What the engine knows of a recipient."""

    phone: str | None = None
    email: str | None = None
    push: bool = False
    time_zone: str = "Africa/Dakar"
    quiet_start: int | None = None
    quiet_end: int | None = None


def reachable(reach: Reach) -> set[str]:
    found = {"in_app"}
    if reach.phone:
        found |= {"whatsapp", "sms"}
    if reach.email:
        found.add("email")
    if reach.push:
        found.add("push")
    return found


def fallback_chain(
    reach: Reach,
    preferences: Mapping[str, bool],
    *,
    transactional: bool,
    chain: Iterable[str] = FALLBACK_CHAIN,
) -> list[str]:
    """The channels to try in turn; `preferences` maps a channel to on/off for this kind.
    Empty: nobody to send to (not reachable, or opted out of something optional)."""
    can = reachable(reach)
    possible = [c for c in chain if c in can]
    chosen = [c for c in possible if preferences.get(c, True)]
    if not chosen and transactional and possible:
        chosen = possible[:1]
    return chosen


def extra_channels(reach: Reach, preferences: Mapping[str, bool]) -> list[str]:
    """Channels a message also goes by, besides the chain: push, when subscribed."""
    return [c for c in ("push",) if c in reachable(reach) and preferences.get(c, True)]


def send_at(now: datetime, reach: Reach, *, transactional: bool) -> datetime:
    """When a message may go: now, or the end of the recipient's quiet hours."""
    start, end = reach.quiet_start, reach.quiet_end
    if transactional or start is None or end is None or start == end:
        return now
    local = now.astimezone(ZoneInfo(reach.time_zone))
    hour = local.hour
    quiet = start <= hour < end if start < end else hour >= start or hour < end
    if not quiet:
        return now
    wake = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if wake <= local:
        wake += timedelta(days=1)
    return wake.astimezone(now.tzinfo)


def backoff(attempts: int) -> timedelta:
    """Delay before attempt `attempts + 1` on the same channel: 2 s, 4 s, 8 s… up to 10 min."""
    return min(timedelta(seconds=2 ** min(attempts, 12)), MAX_BACKOFF)


@dataclass(frozen=True)
class Next:
    """What follows a failed attempt: the channel to use and when, or `None` (given up)."""

    channel: str | None
    attempts: int
    delay: timedelta


def after_failure(
    chain: list[str], channel: str, attempts: int, *, permanent: bool, per_channel: int
) -> Next:
    """`attempts` counts the failures on `channel` so far, this one included."""
    if not permanent and attempts < per_channel:
        return Next(channel, attempts, backoff(attempts))
    position = chain.index(channel) if channel in chain else len(chain)
    if position + 1 < len(chain):
        return Next(chain[position + 1], 0, timedelta(0))
    return Next(None, attempts, timedelta(0))
