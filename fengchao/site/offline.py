"""The service worker: offline copies of the station directory, the
finder's data and the last pages a rider read.

An optional enhancement: iOS WeChat has no service workers, so nothing on
the site depends on it. It is rendered at the site root (templates/sw.js)
because a worker only controls pages at or below its own URL; the list of
files to keep comes from the assets mapping, so fingerprinted names work,
and the cache name changes whenever that list does."""

from __future__ import annotations

import hashlib
import json

from fengchao.output.search_index import BUNDLE_DIR
from fengchao.site import urls as scheme
from fengchao.site.open_data import JSON_FILE

# Kept for offline use on install: the finder and what it needs.
PRECACHE_ASSETS = ("site.css", "elder.css", "elder.js", "offline.js", "icons.svg", "stations.css", "geo.js", "finder.js", "wechat.js")
RECENT_PAGES = 20  # "the last pages read": enough for a shift, small on a cheap phone


def sw_config(ctx, assets: dict[str, str]) -> dict:
    """What templates/sw.js needs: the files to keep and a cache version."""
    urls = ctx.urls
    precache = [urls.page(scheme.STATIONS), urls.page(JSON_FILE)]
    precache += [urls.page(assets[name]) for name in PRECACHE_ASSETS if name in assets]
    version = hashlib.sha256(json.dumps(precache).encode()).hexdigest()[:12]
    return {
        "version": version,
        "precache": precache,
        "recent": RECENT_PAGES,
        "skip": [urls.page(BUNDLE_DIR + "/"), urls.page("admin/")],  # the search index; the web editor
        "fallback": urls.page(scheme.STATIONS),
    }
