"""What stands between the web app and a stranger: body limits, Host and Origin checks, headers.

* :class:`BodyLimit` refuses bodies above a size with a JSON 413, declared or streamed.
* :class:`Guard` refuses a request whose ``Host`` is not one of the allowed names (a DNS
  rebinding page reaches a localhost server under its own host name) with 400, and an unsafe
  request (POST, ...) whose ``Origin`` names another host with 403; it adds the security headers
  (a content security policy without inline script, no framing, no sniffing, no referrer).
* :func:`csrf_token` and :func:`csrf_ok`: the editor's forms carry a token that must equal the
  one in the ``SameSite=Strict`` cookie (double submit), so another site cannot post them.

All ASGI middleware here is plain ASGI (no ``BaseHTTPMiddleware``) so streaming is not buffered.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from guarantor.errors import Problem

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
"""Host names a loopback server answers to unless told otherwise."""
CSRF_COOKIE = "guarantor_csrf"
CSRF_FIELD = "csrf"
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        # Leaflet and plotly position and colour their elements with inline styles.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # "no-referrer" would make browsers send "Origin: null" on our own form posts
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


async def send_problem(
    send: Send, status: int, problem: Problem, headers: Iterable[tuple[bytes, bytes]] = ()
) -> None:
    """Answer with the JSON error form ``{"ok": false, "problems": [...]}``."""
    body = json.dumps({"ok": False, "problems": [problem.as_dict()]}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *SECURITY_HEADERS,
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def host_name(value: str) -> str:
    """The host of a ``Host`` header value, without port or IPv6 brackets, lower case."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class Guard:
    """ASGI middleware: allowed hosts, same-origin unsafe requests, security headers."""

    def __init__(self, app: Any, allowed_hosts: Iterable[str]) -> None:
        """Wrap ``app``; ``allowed_hosts`` are host names (``*`` allows any)."""
        self.app = app
        self.allowed = {name.lower().strip("[]") for name in allowed_hosts}

    def allows(self, host: str) -> bool:
        """Whether a host name may be served."""
        return "*" in self.allowed or host in self.allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the request, then pass it on with the security headers added."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        host = host_name(headers.get(b"host", b"").decode("latin-1"))
        if not self.allows(host):
            await send_problem(
                send,
                400,
                Problem(
                    "host not served",
                    field="Host",
                    expected="one of the allowed host names (guarantor serve --allow-host)",
                    received=host[:100],
                ),
            )
            return
        origin = headers.get(b"origin")
        if scope.get("method", "GET") not in _SAFE_METHODS and origin is not None:
            origin_host = urlsplit(origin.decode("latin-1")).hostname or ""
            if origin_host != host or not self.allows(origin_host):
                await send_problem(
                    send,
                    403,
                    Problem(
                        "cross-site request refused",
                        field="Origin",
                        expected=f"this server ({host})",
                        received=origin.decode("latin-1")[:100],
                    ),
                )
                return

        async def with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(item for item in SECURITY_HEADERS if item[0] not in present),
                ]
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """ASGI middleware: refuse request bodies above ``limit`` bytes with a JSON 413."""

    def __init__(self, app: Any, limit: int) -> None:
        """Wrap ``app``."""
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on unless its body is too large."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")

        def too_large(received: str) -> Problem:
            return Problem(
                "request body too large",
                field="body",
                expected=f"at most {self.limit} bytes",
                received=received,
            )

        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await send_problem(send, 413, too_large(declared.decode("latin-1")[:30]))
            return
        seen = 0

        async def limited() -> MutableMapping[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _BodyTooLargeError
            return message

        try:
            await self.app(scope, limited, send)
        except _BodyTooLargeError:
            await send_problem(send, 413, too_large("more"))


class _BodyTooLargeError(Exception):
    """Raised inside the app when the streamed body passes the limit."""


def csrf_token(cookie: str | None) -> str:
    """The token for a form: the visitor's cookie if it looks like ours, else a new one."""
    if cookie and len(cookie) == 43 and cookie.replace("-", "").replace("_", "").isalnum():
        return cookie
    return secrets.token_urlsafe(32)


def csrf_ok(cookie: str | None, submitted: str | None) -> bool:
    """Whether a form's token matches the cookie (constant-time)."""
    if not cookie or not submitted:
        return False
    return hmac.compare_digest(cookie.encode(), submitted.encode())
