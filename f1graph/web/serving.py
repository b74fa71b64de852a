"""How uvicorn serves the app: pinned loop and parser, and proxies trusted only when configured.

uvicorn believes ``X-Forwarded-For`` from 127.0.0.1 by default, so anyone on the host (or any
hop that connects from loopback) could pick the client address the per-client limits count.
Here proxy headers are off unless ``F1GRAPH_TRUSTED_PROXIES`` names the proxies (addresses or
networks) whose ``X-Forwarded-For`` is believed.
"""

from __future__ import annotations

from typing import Any

from f1graph.settings import Settings


def server_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for ``uvicorn.run``/``uvicorn.Config`` (beyond the app and address)."""
    trusted = settings.trusted_proxies
    return {
        "loop": "asyncio",
        "http": "h11",
        "ws": "websockets-sansio",
        # replay events are small JSON: deflating each one for each subscriber cost more loop
        # time than it saved bytes (bench/fanout.py)
        "ws_per_message_deflate": False,
        "log_level": "info",
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": list(trusted) if trusted else [],
    }
