"""A loopback reverse proxy balancing between web nodes, for the cluster test (standard library).

It stands where nginx stands in production (deploy/nginx/ntm.conf) and behaves as nginx's
``upstream`` does by default: requests go round-robin to the nodes; a node that refuses the
connection is marked down for a while (``max_fails=1 fail_timeout``) and the request is passed
to the next one; a request that was already sent to a node that then failed is passed on only
if its method is idempotent (``proxy_next_upstream`` never repeats a POST) — otherwise the
client gets 502 and cannot know whether it was applied. It terminates "TLS" by setting
``X-Forwarded-Proto: https`` and appends the client's address to ``X-Forwarded-For``, as
nginx does with ``SECURE_PROXY_SSL_HEADER=1`` and ``PROXY_COUNT=1``.

Listens on 127.0.0.1 only and forwards to 127.0.0.1 only.
"""

from __future__ import annotations

import http.client
import itertools
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOST = "127.0.0.1"
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})
# Hop-by-hop headers (RFC 9110 §7.6.1) and those this proxy sets itself.
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "content-length"}
)


class NodeFailed(Exception):
    """The node failed after the request was sent: it may or may not have been processed."""


class Upstream:
    """The nodes, the next one to use, and which are marked down until when."""

    def __init__(self, ports: list[int], *, fail_timeout: float = 10.0) -> None:
        self.ports = list(ports)
        self.fail_timeout = fail_timeout
        self.down_until: dict[int, float] = {}
        self.cycle = itertools.cycle(self.ports)
        self.lock = threading.Lock()
        self.counts: Counter = Counter()  # "node <port>", "retried", "502"

    def order(self) -> list[int]:
        """Every node once, starting with the next in turn; nodes marked down go last."""
        with self.lock:
            first = next(self.cycle)
            start = self.ports.index(first)
            ports = self.ports[start:] + self.ports[:start]
            now = time.monotonic()
            return sorted(ports, key=lambda p: self.down_until.get(p, 0) > now)

    def mark_down(self, port: int) -> None:
        with self.lock:
            self.down_until[port] = time.monotonic() + self.fail_timeout

    def count(self, key: str) -> None:
        with self.lock:
            self.counts[key] += 1


def forward(port: int, method: str, path: str, headers: dict[str, str], body: bytes, timeout: float):
    """Send one request to the node on ``port``.

    Raises ``ConnectionRefusedError`` (nothing was sent: safe to try another node) or
    ``NodeFailed`` (sent; the node broke off before answering)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.connect()
    except OSError as exc:
        conn.close()
        raise ConnectionRefusedError(str(exc)) from exc
    try:
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        return response.status, response.reason, response.getheaders(), response.read()
    except (OSError, http.client.HTTPException) as exc:
        raise NodeFailed(f"{type(exc).__name__}: {exc}") from exc
    finally:
        conn.close()


class ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive towards the client, as a browser expects
    server: ProxyServer

    def log_message(self, format: str, *args) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        if body:
            headers["Content-Length"] = str(len(body))
        client = self.client_address[0]
        forwarded = headers.pop("X-Forwarded-For", None)
        headers["X-Forwarded-For"] = f"{forwarded}, {client}" if forwarded else client
        headers["X-Forwarded-Proto"] = "https"
        headers.setdefault("X-Request-ID", uuid.uuid4().hex)
        upstream = self.server.upstream
        answer = None
        for attempt, port in enumerate(upstream.order()):
            if attempt:
                upstream.count("retried")
            try:
                answer = forward(port, self.command, self.path, headers, body, self.server.timeout_seconds)
            except ConnectionRefusedError:
                upstream.mark_down(port)
                continue
            except NodeFailed:
                upstream.mark_down(port)
                if self.command in IDEMPOTENT:
                    continue
                break
            upstream.count(f"node {port}")
            break
        if answer is None:
            upstream.count("502")
            self._reply(502, "Bad Gateway", [("Content-Type", "text/plain")], b"502 Bad Gateway (proxy)\n")
            return
        self._reply(*answer)

    def _reply(self, status: int, reason: str, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status, reason)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle


class ProxyServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, upstream: Upstream, *, timeout_seconds: float = 30.0) -> None:
        super().__init__((HOST, port), ProxyHandler)
        self.upstream = upstream
        self.timeout_seconds = timeout_seconds


def start_proxy(port: int, node_ports: list[int], *, fail_timeout: float = 10.0) -> ProxyServer:
    """A proxy on 127.0.0.1:``port`` (0: any free port) serving from a thread until ``shutdown()``."""
    server = ProxyServer(port, Upstream(node_ports, fail_timeout=fail_timeout))
    threading.Thread(target=server.serve_forever, name="proxy", daemon=True).start()
    return server
