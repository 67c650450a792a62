"""What a client has done since it was made (``ut_client_stats``), typed.

Mindbody counts API calls per site and key (sandbox keys have a small daily allowance), so
the counts say what this client has cost: ``requests`` is what the API saw, retries included.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, Optional


@dataclass(frozen=True)
class CallStats:
    """The counts of one call (``issue``, ``renew`` or ``revoke``), sessions' calls included."""

    #: Calls that passed the argument checks (argument errors are not counted).
    calls: int
    #: HTTP requests those calls sent, retries included: what the API counts.
    requests: int
    #: Calls that did not succeed, by result name (``"UT_DENIED"``, ``"UT_SERVER_ERROR"``, ...);
    #: only names that occurred. A cancelled call, or one cut short by closing the client, is
    #: ``"UT_CANCELLED"``.
    failures: Dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> int:
        """How many calls failed, whatever the reason."""
        return sum(self.failures.values())

    @classmethod
    def from_dict(cls, value: Any) -> "CallStats":
        if not isinstance(value, dict):
            value = {}
        failures = value.get("failures")
        return cls(
            calls=_count(value.get("calls")),
            requests=_count(value.get("requests")),
            failures={str(name): _count(n) for name, n in failures.items()} if isinstance(failures, dict) else {},
        )


@dataclass(frozen=True)
class ClientStats:
    """What :meth:`Client.stats() <usertoken.Client.stats>` returns: one :class:`CallStats`
    per call. The counts are read while other threads may be calling, so a call in flight may
    or may not be in them yet."""

    issue: CallStats
    renew: CallStats
    revoke: CallStats
    #: The library's JSON as parsed.
    raw: Dict[str, Any] = field(repr=False, compare=False)

    @property
    def requests(self) -> int:
        """Every request sent by the three calls, retries included."""
        return self.issue.requests + self.renew.requests + self.revoke.requests

    @classmethod
    def from_dict(cls, value: Dict[str, Any]) -> "ClientStats":
        return cls(
            issue=CallStats.from_dict(value.get("issue")),
            renew=CallStats.from_dict(value.get("renew")),
            revoke=CallStats.from_dict(value.get("revoke")),
            raw=value,
        )


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def stats_result(text: Optional[str]) -> ClientStats:
    value = json.loads(text or "{}")
    return ClientStats.from_dict(value if isinstance(value, dict) else {})
