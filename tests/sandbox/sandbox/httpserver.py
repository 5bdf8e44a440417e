"""A small HTTP/1.1 server on asyncio: keep-alive, HEAD, Content-Length bodies.
One event loop can serve one node or a thousand (--http-only). The handler is a
coroutine (method, path, headers[, request body]) -> (status, headers, body)."""

import asyncio
import http
import socket

from .products import standard_headers

IDLE_TIMEOUT = 60.0
MAX_HEADER_LINES = 100


def listening_socket(address, port, backlog=128):
    """A bound, listening TCP socket (the kernel accepts connections into the
    backlog from here on, even before anything calls accept())."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((address, port))
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def _reason(status):
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


async def _read_request(reader):
    line = await asyncio.wait_for(reader.readline(), IDLE_TIMEOUT)
    if not line:
        return None
    parts = line.decode("latin-1").strip().split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        raise ValueError("bad request line")
    method, target, proto = parts
    headers = {}
    for _ in range(MAX_HEADER_LINES):
        h = await asyncio.wait_for(reader.readline(), IDLE_TIMEOUT)
        if h in (b"\r\n", b"\n", b""):
            break
        name, _, value = h.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    else:
        raise ValueError("too many headers")
    length = int(headers.get("content-length", "0") or 0)
    body = b""
    if length:
        body = await asyncio.wait_for(reader.readexactly(length), IDLE_TIMEOUT)
    keep = headers.get("connection", "").lower()
    keep_alive = keep != "close" if proto == "HTTP/1.1" else keep == "keep-alive"
    return method, target, headers, keep_alive, body


def make_client_handler(handler, on_request=None, with_body=False):
    """An asyncio.start_server callback that serves requests with `handler`
    (called with the request body as a fourth argument when with_body is set)."""
    async def client(reader, writer):
        try:
            while True:
                try:
                    req = await _read_request(reader)
                except (ValueError, asyncio.IncompleteReadError):
                    writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    break
                if req is None:
                    break
                method, target, headers, keep_alive, data = req
                if with_body:
                    status, extra, body = await handler(method, target, headers, data)
                else:
                    status, extra, body = await handler(method, target, headers)
                all_headers = standard_headers(status, extra, body, keep_alive)
                head = "HTTP/1.1 %d %s\r\n" % (status, _reason(status))
                head += "".join("%s: %s\r\n" % kv for kv in all_headers.items()) + "\r\n"
                writer.write(head.encode("latin-1") + (b"" if method == "HEAD" else body))
                await writer.drain()
                if on_request:
                    on_request(method, target, status)
                if not keep_alive:
                    break
        except (asyncio.TimeoutError, ConnectionError, OSError):
            pass
        finally:
            try:
                writer.close()
            except Exception:
                pass
    return client
