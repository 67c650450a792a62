"""Client keyword arguments as the library's configuration JSON."""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Optional

#: The keys ``ut_client_new`` understands, in the contract's order.
KEYS = (
    "base_url", "api_key", "timeout_ms", "connect_timeout_ms", "max_retries", "retry_base_ms",
    "retry_max_ms", "user_agent", "proxy", "ca_file", "allow_http", "max_response_bytes",
    "worker_threads", "session_renew_margin_s",
)


def config_json(settings: Dict[str, Any]) -> Optional[bytes]:
    """Only the settings given (not ``None``) are sent, so that the library's own defaults and
    its environment fallbacks (``MINDBODY_BASE_URL``, ``MINDBODY_API_KEY``) apply to the rest.
    Values are sent as given: the library checks types and ranges and names a bad key."""
    given = {key: value for key, value in settings.items() if value is not None}
    if "ca_file" in given and isinstance(given["ca_file"], os.PathLike):
        given["ca_file"] = os.fspath(given["ca_file"])
    if not given:
        return None  # NULL: every default
    # ensure_ascii keeps a NUL in a value escaped as \u0000, so the text stays one C string.
    return json.dumps(given, ensure_ascii=True).encode("ascii")
