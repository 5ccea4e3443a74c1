"""The preview answers only requests addressed to it (DNS rebinding).

`fengchao serve` listens on loopback, but a web page the editor has open can
point a name it controls (`rebind.attacker.example`) at 127.0.0.1 and then
read the preview from its own origin: drafts, unpublished pages. The browser
sends that name as `Host`, so, as Vite and webpack-dev-server do, a request
is answered only when its `Host` names this server: an IP address (a
rebinding attack needs a DNS name, an address literal cannot be rebound),
`localhost` (or a `*.localhost` name, which resolves only to loopback), or
the name given to `--host`. `Origin`, when a browser sends one (fetch,
WebSocket), must name an allowed host too, so another site cannot open the
live-reload socket or trigger `/forcereload`.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

REFUSED = "预览服务器只接受发给本机地址的请求（Host: {host}）。请用 http://127.0.0.1:端口/ 或 http://localhost:端口/ 打开；从别的设备访问请用本机的 IP 地址".encode()


def _hostname(value: str) -> str | None:
    """The host part of a `Host` header value (`name`, `name:port`, `[::1]:port`)."""
    if any(ch in value for ch in "@/?#\\ \t"):
        return None  # not a host[:port] at all (userinfo, a path)
    try:
        parts = urlsplit("//" + value)
        host = parts.hostname
        _ = parts.port  # a malformed port raises
    except ValueError:
        return None
    return host.rstrip(".").lower() if host else None


def host_allowed(value: str | None, served: str) -> bool:
    """May a request whose `Host` (or Origin's host) is `value` be answered?"""
    if not value:
        return False
    host = _hostname(value)
    if host is None:
        return False
    if host == "localhost" or host.endswith(".localhost") or host == served.strip("[]").lower():
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def origin_allowed(origin: str | None, served: str) -> bool:
    """No Origin (a plain navigation, curl) is fine; one from another site is not."""
    if origin is None:
        return True
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and host_allowed(parts.netloc, served)


def guarded(handler_class, served: str):
    """`handler_class` answering 403 to any request not addressed to this
    server; for a WebSocket handler, also its origin check."""

    class Guarded(handler_class):
        def prepare(self):
            request = self.request
            if not host_allowed(request.headers.get("Host"), served) or not origin_allowed(request.headers.get("Origin"), served):
                self.set_status(403)
                self.set_header("Content-Type", "text/plain; charset=utf-8")
                self.finish(REFUSED.replace(b"{host}", (request.headers.get("Host") or "").encode("utf-8", "replace")[:200]))
                return None
            return super().prepare()

        def check_origin(self, origin):  # WebSocket handlers only
            return origin_allowed(origin, served) and host_allowed(self.request.headers.get("Host"), served)

    Guarded.__name__ = Guarded.__qualname__ = f"Guarded{handler_class.__name__}"
    return Guarded


def guarded_server(served: str):
    """A livereload `Server` class whose every handler (pages, live-reload
    socket, /forcereload, livereload.js) is `guarded`."""
    from livereload import Server
    from livereload import server as livereload_server

    class GuardedServer(Server):
        def application(self, port, host, liveport=None, debug=None, live_css=True):
            # livereload builds its handler list inside application(); its
            # handlers are swapped for guarded ones for the call's duration.
            names = ("LiveReloadHandler", "ForceReloadHandler", "LiveReloadJSHandler")
            originals = {name: getattr(livereload_server, name) for name in names}
            # The handlers module reads these from its own class, not the subclass.
            originals["LiveReloadHandler"].watcher = self.watcher
            originals["LiveReloadHandler"].live_css = live_css
            try:
                for name, cls in originals.items():
                    setattr(livereload_server, name, guarded(cls, served))
                return super().application(port, host, liveport, debug, live_css)
            finally:
                for name, cls in originals.items():
                    setattr(livereload_server, name, cls)

        def get_web_handlers(self, script):
            return [(pattern, guarded(handler, served), *rest) for pattern, handler, *rest in super().get_web_handlers(script)]

    return GuardedServer
