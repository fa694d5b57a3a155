"""Test-side network helpers for the S3 suites: a recording / fault-injecting HTTP forwarder that
sits between the server and radosgw, and a client that uploads slowly over a raw socket.

The forwarder keeps the Host header the server signed, so radosgw still accepts the SigV4
signatures although the server talked to the forwarder's port.
"""
from __future__ import annotations

import hashlib
import http.client
import os
import select
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

# Hop-by-hop headers (and Expect: the forwarder has already answered 100-continue itself).
_NOT_FORWARDED = {"connection", "keep-alive", "transfer-encoding", "expect", "te", "upgrade",
                  "proxy-connection"}
_RECORDED_BODY_LIMIT = 64 * 1024


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    body: bytes | None  # None when larger than _RECORDED_BODY_LIMIT
    answered: int = 0   # the status the server got
    injected: bool = False


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: dict = field(default_factory=dict)


def slow_down_reply(method: str) -> Reply:
    """What S3 answers when it throttles: 503 with an S3 XML error body (none for HEAD)."""
    body = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
            b"<Message>Please reduce your request rate.</Message>"
            b"<RequestId>bf-fault-injected</RequestId></Error>")
    return Reply(503, b"" if method == "HEAD" else body, {"Content-Type": "application/xml"})


class Forwarder:
    """An HTTP/1.1 forwarder on a free loopback port. Records every request; `fault`, when set,
    may answer a request itself: fault(index, method, path) -> Reply | None (None: forward)."""

    def __init__(self, upstream: str):
        parts = urlsplit(upstream)
        self.upstream_host, self.upstream_port = parts.hostname, parts.port or 80
        self.requests: list[Recorded] = []
        self.fault = None
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="forwarder", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> "Forwarder":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def snapshot(self) -> list[Recorded]:
        with self._lock:
            return list(self.requests)

    def _record(self, entry: Recorded) -> int:
        with self._lock:
            self.requests.append(entry)
            return len(self.requests) - 1

    def _upstream(self, handler) -> http.client.HTTPConnection:
        conn = getattr(handler, "upstream_conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=60)
            handler.upstream_conn = conn
        return conn

    def serve(self, handler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        headers = {k: v for k, v in handler.headers.items()}
        entry = Recorded(handler.command, handler.path, headers,
                         body if len(body) <= _RECORDED_BODY_LIMIT else None)
        index = self._record(entry)
        reply = self.fault(index, handler.command, handler.path) if self.fault else None
        if reply is not None:
            entry.injected = True
        else:
            reply = self._forward(handler, headers, body)
        entry.answered = reply.status
        handler.send_response(reply.status)
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        if "content-length" not in {k.lower() for k in reply.headers}:
            handler.send_header("Content-Length", str(len(reply.body)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(reply.body)

    def _forward(self, handler, headers: dict, body: bytes) -> Reply:
        forwarded = {k: v for k, v in headers.items() if k.lower() not in _NOT_FORWARDED}
        for attempt in range(2):
            conn = self._upstream(handler)
            try:
                conn.request(handler.command, handler.path, body=body if body else None, headers=forwarded)
                resp = conn.getresponse()
                data = resp.read()
                break
            except (ConnectionError, http.client.HTTPException, OSError):
                # A keep-alive connection radosgw closed in the meantime: one fresh try.
                conn.close()
                handler.upstream_conn = None
                if attempt == 1:
                    return Reply(502, b"forwarder: upstream unreachable")
        kept = {k: v for k, v in resp.getheaders() if k.lower() not in _NOT_FORWARDED}
        if handler.command == "HEAD":
            return Reply(resp.status, b"", kept)
        kept = {k: v for k, v in kept.items() if k.lower() != "content-length"}
        return Reply(resp.status, data, kept)


def _handler_class(forwarder: Forwarder):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self):
            forwarder.serve(self)

        do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_OPTIONS = _serve

        def log_message(self, *args):  # quiet: pytest shows the assertion, not access logs
            pass

    return Handler


@dataclass
class SlowUploadResult:
    status: int
    body: bytes
    sent: int
    sha256: str
    seconds: float

    def json(self):
        import json
        return json.loads(self.body)


def slow_put(url: str, target: str, total: int, chunk: int, delay_s: float, on_progress=None) -> SlowUploadResult:
    """PUTs `total` random bytes to `target`, `chunk` bytes every `delay_s` seconds, over a raw
    socket. Stops sending as soon as the server answers (an upload it refused half-way), so the
    error response is read instead of lost in a reset. on_progress(sent) runs after each chunk."""
    parts = urlsplit(url)
    began = time.monotonic()
    sha = hashlib.sha256()
    sent = 0
    with socket.create_connection((parts.hostname, parts.port), timeout=120) as sock:
        head = (f"PUT {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/octet-stream\r\n"
                f"Content-Length: {total}\r\n\r\n")
        sock.sendall(head.encode())
        while sent < total:
            if select.select([sock], [], [], 0)[0]:
                break  # the server answered early
            data = os.urandom(min(chunk, total - sent))
            try:
                sock.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                break
            sha.update(data)
            sent += len(data)
            if on_progress is not None:
                on_progress(sent)
            if sent < total:
                time.sleep(delay_s)
        resp = http.client.HTTPResponse(sock)
        resp.begin()
        body = resp.read()
        return SlowUploadResult(resp.status, body, sent, sha.hexdigest(), time.monotonic() - began)
