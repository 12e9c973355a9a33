"""The cluster test's loopback proxy (bench/proxy.py) behaves as nginx's upstream: round-robin,
the next node when one refuses, never a POST repeated once a node had it, the forwarding headers."""

import http.client
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.proxy import start_proxy


class _Node(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, name: str, *, hang_up: bool = False) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.name, self.hang_up, self.seen = name, hang_up, []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return self.server_address[1]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append((self.command, body))
        if self.server.hang_up:  # a node dying with the request in hand
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        content = json.dumps({"node": self.server.name, "headers": dict(self.headers)}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = _answer


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def servers():
    started = []
    yield started
    for server in started:
        server.shutdown()
        server.server_close()


def _proxy(servers, ports):
    proxy = start_proxy(0, ports, fail_timeout=5)
    servers.append(proxy)
    return proxy, proxy.server_address[1]


def _send(port: int, method: str, body: bytes = b"", headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, "/x/", body=body or None, headers=headers or {})
    response = conn.getresponse()
    answer = response.status, response.read()
    conn.close()
    return answer


def test_requests_alternate_between_the_nodes_with_the_forwarding_headers(servers):
    a, b = _Node("a"), _Node("b")
    servers.extend([a, b])
    _proxy_server, port = _proxy(servers, [a.port, b.port])
    answers = [json.loads(_send(port, "GET", headers={"X-Forwarded-For": "10.0.0.9"})[1]) for _ in range(4)]
    assert [answer["node"] for answer in answers] == ["a", "b", "a", "b"]
    assert answers[0]["headers"]["X-Forwarded-Proto"] == "https"
    assert answers[0]["headers"]["X-Forwarded-For"] == "10.0.0.9, 127.0.0.1"


def test_a_node_that_refuses_connections_is_skipped_for_every_method(servers):
    b = _Node("b")
    servers.append(b)
    proxy, port = _proxy(servers, [_closed_port(), b.port])
    assert [_send(port, method)[0] for method in ("POST", "GET", "GET")] == [200, 200, 200]
    assert [method for method, _body in b.seen] == ["POST", "GET", "GET"]
    # Tried once; then marked down, it comes last in its turn and is not tried again.
    assert proxy.upstream.counts["retried"] == 1


def test_a_post_a_node_took_and_dropped_is_answered_502_and_not_sent_again(servers):
    dying, b = _Node("dying", hang_up=True), _Node("b")
    servers.extend([dying, b])
    _proxy_server, port = _proxy(servers, [dying.port, b.port])
    assert _send(port, "POST", b"note=once") == (502, b"502 Bad Gateway (proxy)\n")
    assert dying.seen == [("POST", b"note=once")]
    assert b.seen == []


def test_a_get_a_node_took_and_dropped_is_passed_to_the_next_node(servers):
    dying, b = _Node("dying", hang_up=True), _Node("b")
    servers.extend([dying, b])
    _proxy_server, port = _proxy(servers, [dying.port, b.port])
    status, body = _send(port, "GET")
    assert status == 200 and json.loads(body)["node"] == "b"
