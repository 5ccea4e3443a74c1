"""The web editor at /admin/: Decap CMS, configured from the content contract.

Editors who never open a terminal write through forms; the CMS commits the
Markdown and YAML to the repository and CI builds the site. Its
configuration is generated here on every build from site.yaml and the
records — districts, amenities, categories, guide topics, station ids, and
the slug, date and coordinate rules `validate` and `stations` apply — so the
forms can never offer what fengchao would refuse. `editor_config` is a pure
function of its inputs and `config_text` dumps it with sorted keys: the same
site gives the same bytes. Why Decap, its CSP and how to set up each Git host:
docs/cms.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from fengchao.content.cms_settings import CmsSettings
from fengchao.content.config import SiteConfig
from fengchao.content.records import Records
from fengchao.site.admin_forms import MEDIA_FOLDER, PUBLIC_FOLDER, EditorInputs, collections

ADMIN = "admin"  # the editor's folder in the output, and a name pages may not take


def backend(cms: CmsSettings) -> dict:
    out = {
        "name": cms.backend,
        "repo": cms.repo,
        "branch": cms.branch,
        "squash_merges": True,
        "commit_messages": {
            "create": "新建{{collection}}：{{slug}}",
            "update": "修改{{collection}}：{{slug}}",
            "delete": "删除{{collection}}：{{slug}}",
            "uploadMedia": "上传图片：{{path}}",
            "deleteMedia": "删除图片：{{path}}",
        },
    }
    for key in ("api_root", "base_url", "auth_endpoint", "app_id", "auth_type"):
        if getattr(cms, key):
            out[key] = getattr(cms, key)
    return out


def editor_config(site: SiteConfig, cms: CmsSettings, inputs: EditorInputs) -> dict:
    return {
        "backend": backend(cms),
        # Used only when /admin/ is opened on localhost or 127.0.0.1 and
        # decap-server answers there: editing a checkout without logging in.
        "local_backend": {"url": f"http://localhost:{cms.local_port}/api/v1"},
        "publish_mode": "editorial_workflow",
        "locale": "zh_Hans",
        "site_url": site.base_url,
        "display_url": site.base_url,
        "media_folder": MEDIA_FOLDER,
        "public_folder": PUBLIC_FOLDER,
        # Chinese titles make Chinese file names; fengchao turns them into pinyin URLs.
        "slug": {"encoding": "unicode", "clean_accents": False, "sanitize_replacement": "-"},
        "collections": collections(site, inputs),
    }


def config_text(site: SiteConfig, cms: CmsSettings, inputs: EditorInputs) -> str:
    head = "# Made by fengchao from site.yaml and content/ on every build (fengchao/site/admin.py); do not edit.\n"
    return head + yaml.safe_dump(editor_config(site, cms, inputs), allow_unicode=True, sort_keys=True, width=1000)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def admin_csp(cms: CmsSettings) -> str:
    """The editor's own policy: looser than the site's, and only for /admin/.

    Decap needs 'unsafe-eval' (its config schema is compiled by ajv with
    new Function) and inline styles (emotion injects them); it talks to the
    Git host's API, shows uploads as blob: URLs and avatars from the host.
    """
    local = (f"http://localhost:{cms.local_port}", f"http://127.0.0.1:{cms.local_port}")
    connect = sorted({o for o in (_origin(cms.api), _origin(cms.base_url)) if o} | set(local))
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self' 'unsafe-eval'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob: https:",
            "media-src 'self' blob:",
            "font-src 'self' data:",
            f"connect-src 'self' blob: {' '.join(connect)}",
            "frame-src 'self' blob:",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def index_html(site_title: str) -> bytes:
    return (
        "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"robots\" content=\"noindex, nofollow\">\n"
        f"<title>网页编辑器 · {escape(site_title)}</title>\n"
        "<link href=\"config.yml\" type=\"text/yaml\" rel=\"cms-config-url\">\n"
        "<link href=\"fengchao-admin.css\" rel=\"stylesheet\">\n"
        "</head>\n<body>\n<script src=\"decap-cms.js\"></script>\n<script src=\"fengchao-admin.js\"></script>\n"
        "</body>\n</html>\n"
    ).encode()


def init_script(css_url: str) -> bytes:
    """Registers the site's stylesheet for the preview pane (an external file:
    the admin policy allows no inline script either)."""
    return f"// Made by fengchao (fengchao/site/admin.py).\nCMS.registerPreviewStyle({json.dumps(css_url)});\n".encode()


# Decap lays its editor out for 800 px and wider (a fixed min-width and a
# split form | preview). Editors take photos and write on phones, so below
# that width: one column, the form only. Decap's class names carry its
# components' names (css-1a2b3c-EditorContainer); tests/browser/test_cms.py
# checks that the form still fits 375 px after an upgrade.
PHONE_CSS = """/* Made by fengchao (fengchao/site/admin.py): Decap CMS on a phone. */
@media (max-width: 799px) {
  [class*="-EditorContainer"], [class*="-ToolbarContainer"] { min-width: 0 !important; }
  [class*="-ToolbarSectionMeta"], [class*="-ViewControls"] { display: none !important; }
  .SplitPane { display: block !important; position: static !important; }
  .SplitPane > .Pane1 { width: 100% !important; }
  .SplitPane > .Pane2, .SplitPane > .Resizer { display: none !important; }
}
"""


@dataclass(frozen=True)
class AdminFiles:
    raw: tuple[tuple[str, bytes], ...]  # (output path, bytes)
    copies: tuple[tuple[str, Path], ...]  # (output path, vendored file)


def editor_inputs(records: Records, reserved: tuple[str, ...]) -> EditorInputs:
    stations = tuple(sorted((s.id, s.name) for s in records.stations))
    categories = tuple(sorted({a.category for a in records.articles if a.category}))
    return EditorInputs(stations, categories, tuple(sorted(reserved)))


def admin_files(site: SiteConfig, cms: CmsSettings, inputs: EditorInputs, css_url: str, bundle: tuple[Path, ...]) -> AdminFiles:
    """`bundle`: the vendored Decap files (the theme's assets/vendor/decap-cms/), published
    beside index.html, where the bundle loads its chunks from."""
    copies = tuple(sorted((f"{ADMIN}/{p.name}", p) for p in bundle if p.name != "package.json"))
    raw = (
        (f"{ADMIN}/index.html", index_html(site.title)),
        (f"{ADMIN}/config.yml", config_text(site, cms, inputs).encode("utf-8")),
        (f"{ADMIN}/fengchao-admin.js", init_script(css_url)),
        (f"{ADMIN}/fengchao-admin.css", PHONE_CSS.encode("utf-8")),
    )
    return AdminFiles(raw, copies)
