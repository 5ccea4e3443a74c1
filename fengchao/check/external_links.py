"""External links, checked only when asked (`fengchao check --external`).

Never part of `build` or of the default CI path: another site being slow or
down must not stop an editor's fix from going live. Bounded in every
direction — a per-request timeout, a maximum number of distinct URLs (the
first N in sorted order, so two runs check the same ones) and a small thread
pool — and a dead link is a warning (an error only with --strict).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from fengchao import __version__
from fengchao.check.output_links import Source, classify, locate, page_url
from fengchao.output.scan import PageLinks
from fengchao.problems import Problem

USER_AGENT = f"fengchao-linkcheck/{__version__} (+static site link check)"
# Servers that refuse HEAD but serve GET.
_RETRY_WITH_GET = {403, 405, 501}


@dataclass(frozen=True)
class ExternalPolicy:
    timeout: float = 10.0  # seconds per request
    max_links: int = 100  # distinct URLs checked per run
    concurrency: int = 4  # requests in flight


@dataclass(frozen=True)
class ExternalReport:
    problems: list
    checked: int
    skipped: int  # distinct URLs over the limit, not checked


def collect(pages: dict[str, PageLinks], base_path: str, origin: str) -> dict[str, tuple[str, str, int]]:
    """Each distinct external http(s) URL (fragment dropped) → its first (page, href, line)."""
    found: dict[str, tuple[str, str, int]] = {}
    for page in sorted(pages):
        for href, line in pages[page].links:
            if classify(href, page_url(page, base_path), origin).kind != "external":
                continue
            try:
                parts = urlsplit(href.strip())
            except ValueError:
                continue
            if parts.scheme not in ("http", "https", ""):
                continue
            url = urlunsplit((parts.scheme or "https", parts.netloc, parts.path or "/", parts.query, ""))
            found.setdefault(url, (page, href, line))
    return found


def probe(url: str, timeout: float) -> str | None:
    """None if the URL answers with a success (after redirects), else why not."""
    # Imported here: urllib.request pulls in http, ssl and email (~50 ms),
    # which every `build` would pay for a check only `check --external` makes.
    import socket
    import urllib.error
    import urllib.request

    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only, by collect()
                if method == "GET":
                    response.read(1)
                return None
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in _RETRY_WITH_GET:
                continue
            return f"外部链接 {url} 返回 HTTP {exc.code}（{exc.reason}）"
        except TimeoutError:
            return f"外部链接 {url} 在 {timeout:g} 秒内没有响应"
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                return f"外部链接 {url} 在 {timeout:g} 秒内没有响应"
            return f"外部链接 {url} 无法访问：{exc.reason}"
        except (OSError, ValueError) as exc:
            return f"外部链接 {url} 无法访问：{exc}"
    return None


def check_external(
    pages: dict[str, PageLinks], *, base_path: str, origin: str, sources: dict[str, Source], out_label: str, policy: ExternalPolicy
) -> ExternalReport:
    found = collect(pages, base_path, origin)
    urls = sorted(found)
    chosen = urls[: max(0, policy.max_links)]
    problems: list[Problem] = []
    if chosen:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=max(1, min(policy.concurrency, len(chosen)))) as pool:
            results = list(pool.map(lambda u: probe(u, policy.timeout), chosen))
        for url, message in zip(chosen, results, strict=True):
            if message is None:
                continue
            page, href, line = found[url]
            located = locate(page, href, sources, base_path)
            path, where = (located[0].path, located[1]) if located else (f"{out_label}/{page}", line)
            problems.append(Problem(path, where, message, "warning"))
    return ExternalReport(sorted(problems), len(chosen), len(urls) - len(chosen))
