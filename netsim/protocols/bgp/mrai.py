"""MinRouteAdvertisementInterval (MRAI): how often a speaker may advertise to one peer.

RFC 4271 §9.2.1.1: two UPDATEs a speaker sends one peer about a common set of destinations must
be at least MinRouteAdvertisementIntervalTimer apart; suggested values 30 s for external and 5 s
for internal peers (§10), each draw jittered to 75–100 % of the value (§10).  Every change that
arises while the timer runs is held back; when it expires only the *latest* state of each held
prefix is sent (a path that came and went meanwhile is never advertised), and the timer restarts
if anything was sent.

Options, as in the classic simulation studies (SSFNet; Griffin & Premore 2001):

* **per peer** (default) -- one timer per peer, started by any advertisement to it: what router
  implementations do, and the setting of Labovitz et al. (2000); or **per prefix** -- one timer
  per (peer, prefix), the literal reading of §9.2.1.1;
* **wrate** -- whether explicit withdrawals are rate-limited too.  Off by default: RFC 1771
  §9.2.3.1 exempted them ("to avoid long-lived black holes") and implementations follow that;
  RFC 4271 §9.2.1.1 words the limit as applying to "an advertisement and/or withdrawal", i.e.
  wrate on.  Elmokashfi et al. (CoNEXT 2008) show why rate-limiting withdrawals hurts.

Pure code: :meth:`MraiState.verdict` answers "send now" (None) or "hold until T".
"""

from __future__ import annotations

from netsim.records import record

#: Key of the one per-peer timer in :attr:`MraiState.until`.
PEER_TIMER = ""
#: A timer armed for ``until - now`` fires at a time equal to ``until`` up to rounding.
EPS = 1e-9


@record
class MraiConfig:
    """The MinRouteAdvertisementInterval timer (RFC 4271 §9.2.1.1): interval, jitter and variants."""

    interval: float
    jitter: bool = True
    wrate: bool = False
    per_prefix: bool = False

    def draw(self, u: float) -> float:
        """The timer's duration for a uniform draw ``u`` in [0, 1): 75–100 % with jitter."""
        return self.interval * (0.75 + 0.25 * u) if self.jitter else self.interval

    def key(self, prefix: str) -> str:
        return prefix if self.per_prefix else PEER_TIMER

    def limits(self, withdrawal: bool) -> bool:
        """Whether this kind of change is rate-limited at all."""
        return self.interval > 0 and (self.wrate or not withdrawal)


class MraiState:
    """One peer's running MRAI timers: key -> expiry time (``PEER_TIMER`` or a prefix)."""

    __slots__ = ("until",)

    def __init__(self) -> None:
        self.until: dict[str, float] = {}

    def verdict(self, cfg: MraiConfig, prefix: str, now: float, withdrawal: bool) -> float | None:
        """None: advertise the change now; otherwise the time it may go out."""
        if not cfg.limits(withdrawal):
            return None
        t = self.until.get(cfg.key(prefix))
        if t is None or t <= now + EPS:
            return None
        return t

    def start(self, cfg: MraiConfig, prefix: str, now: float, duration: float) -> str:
        """An advertisement for ``prefix`` just went out: (re)start its timer; returns the key."""
        key = cfg.key(prefix)
        self.until[key] = now + duration
        return key

    def running(self, key: str, now: float) -> bool:
        t = self.until.get(key)
        return t is not None and t > now + EPS

    def expire(self, key: str) -> None:
        self.until.pop(key, None)
