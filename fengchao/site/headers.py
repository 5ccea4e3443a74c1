"""The browser policy the site is built to work under, and the `_headers` file.

Every page works under a Content-Security-Policy without 'unsafe-inline':
no inline scripts, styles or event handlers in any template, and Markdown
output is sanitized (`sanitize.py`). Even HTML an editor marks as trusted
cannot run an inline script in a reader's browser.

`_headers` is read by Netlify and Cloudflare Pages (other hosts: copy the
same headers into the server's configuration). Its paths are relative to the
deployed folder's root.
"""

from __future__ import annotations

HEADERS_FILE = "_headers"

# Hosts images may come from besides the site itself: the map's tile
# servers, derived from site.yaml's stations.map.tiles by `tile_hosts`.
IMG_HOSTS: tuple[str, ...] = ()

# Assets without a content hash in their name (vendored files, the plain
# copies beside fingerprinted ones) must reach readers within the hour.
ASSET_MAX_AGE = 3600


def tile_hosts(url_template: str, subdomains: str = "") -> tuple[str, ...]:
    """https://webrd0{s}.is.autonavi.com/… with subdomains "1234" → the four
    origins, for img-src (a CSP wildcard may only stand for a whole label)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url_template)
    host = parts.netloc
    names = [host.replace("{s}", s) for s in subdomains] if "{s}" in host and subdomains else [host]
    return tuple(f"{parts.scheme}://{name}" for name in names if "{" not in name)


def csp(img_hosts: tuple[str, ...] = IMG_HOSTS) -> str:
    img = " ".join(("'self'", "data:", *img_hosts))
    return "; ".join(
        (
            "default-src 'self'",
            f"img-src {img}",
            # 'wasm-unsafe-eval' lets the search page compile Pagefind's
            # WebAssembly; it does not allow JavaScript eval() or inline scripts.
            # It is site-wide because Netlify and Cloudflare Pages join the
            # policies of overlapping _headers rules, and two policies are both
            # enforced, so a /search/* exception cannot loosen the /* one.
            "script-src 'self' 'wasm-unsafe-eval'",
            "style-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        )
    )


def headers_file(
    img_hosts: tuple[str, ...] = IMG_HOSTS,
    fingerprinted: tuple[str, ...] = (),
    plain_assets: tuple[str, ...] = (),
    editor: tuple[str, str, tuple[str, ...]] | None = None,
) -> bytes:
    """The `_headers` file. Assets get one rule each, never an `/assets/*`
    catch-all: Netlify and Cloudflare join the values of every matching rule,
    and two Cache-Control values would contradict each other.

    `editor` is (folder, its policy, the output's paths) when the web editor
    is published (docs/cms.md). Its policy must not meet the site's on one
    path (both would be enforced, and the editor cannot work under the
    site's), so the site's policy is then given per top-level name instead of
    on `/*`: every published path still gets exactly it."""
    lines = [
        "# Made by fengchao on every build; see docs/security.md.",
        "/*",
        *([] if editor else [f"  Content-Security-Policy: {csp(img_hosts)}"]),
        "  X-Content-Type-Options: nosniff",
        "  Referrer-Policy: strict-origin-when-cross-origin",
        "  X-Frame-Options: SAMEORIGIN",
        "",
    ]
    if editor:
        lines += _editor_rules(img_hosts, *editor)
    if fingerprinted:
        lines.append("# A content hash in the name: a changed file gets a new name, so cache for a year.")
        for path in sorted(fingerprinted):
            lines += [f"/{path}", "  Cache-Control: public, max-age=31536000, immutable"]
        lines.append("")
    if plain_assets:
        lines.append("# No hash in the name: a changed file must reach readers within the hour.")
        for path in sorted(plain_assets):
            lines += [f"/{path}", f"  Cache-Control: public, max-age={ASSET_MAX_AGE}"]
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def _editor_rules(img_hosts: tuple[str, ...], folder: str, policy: str, paths: tuple[str, ...]) -> list[str]:
    """The site's policy on `/` and on every top-level name but `folder`; the editor's on `folder`."""
    names = {(p.split("/", 1)[0], "/" in p) for p in paths}
    lines = [f"# The site's policy, on every path but /{folder}/ (docs/cms.md)."]
    for rule in ["/", *sorted(f"/{name}/*" if is_dir else f"/{name}" for name, is_dir in names if name != folder)]:
        lines += [rule, f"  Content-Security-Policy: {csp(img_hosts)}"]
    lines += [
        "",
        "# The web editor: Decap CMS needs eval and inline styles, and talks to the Git host.",
        f"/{folder}/*",
        f"  Content-Security-Policy: {policy}",
        "  X-Robots-Tag: noindex",
        "  Cache-Control: no-cache",
        "",
    ]
    return lines
