"""The `cms:` section of site.yaml: where the web editor at /admin/ saves.

Only the backend is set here (which Git host, which repository, how editors
log in); everything else in the editor's configuration is generated from the
content contract by `fengchao.site.admin`, so it cannot drift. Without a
`cms:` section no editor is published. See docs/cms.md.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from fengchao.content.load import LineMap
from fengchao.problems import Problem

# Decap CMS backend names this site supports (docs/cms.md has a setup for each).
BACKENDS = ("github", "gitlab", "gitea", "forgejo")
# Where each backend's API lives when `api_root` is not given. Gitea and
# Forgejo are self-hosted: there is no default, the host must be named.
DEFAULT_API_ROOTS = {"github": "https://api.github.com", "gitlab": "https://gitlab.com/api/v4"}
KEYS = ("backend", "repo", "branch", "api_root", "base_url", "auth_endpoint", "app_id", "auth_type", "local_port")
_REPO = re.compile(r"^[\w.-]+(/[\w.-]+)+$")
_URL_KEYS = ("api_root", "base_url")


@dataclass(frozen=True)
class CmsSettings:
    backend: str
    repo: str
    branch: str = "main"
    api_root: str = ""  # "" → the backend's public default (DEFAULT_API_ROOTS)
    base_url: str = ""  # the OAuth server (GitHub, Gitea) or the GitLab host (PKCE)
    auth_endpoint: str = ""
    app_id: str = ""  # GitLab / Gitea OAuth application id
    auth_type: str = ""  # GitLab: "pkce" (no server needed) or "implicit"
    local_port: int = 8081  # decap-server for editing a local checkout

    @property
    def api(self) -> str:
        return self.api_root or DEFAULT_API_ROOTS.get(self.backend, "")


def parse_cms_settings(section: object, where: int, shown: str, problems: list[Problem]) -> CmsSettings | None:
    """`section` is site.yaml's `cms:` value (None when absent); `where` its line."""
    if section is None:
        return None
    if not isinstance(section, LineMap):
        problems.append(Problem(shown, where, "cms 应为映射，例如 {backend: github, repo: 单位/仓库名}"))
        return None
    found: list[Problem] = []

    def err(key: str, message: str) -> None:
        found.append(Problem(shown, section.line_of(key) if key in section else section.line or where, message))

    for key in section:
        if key not in KEYS:
            guess = difflib.get_close_matches(str(key), KEYS, n=1)
            hint = f"，是否想写 {guess[0]}？" if guess else f"。可用的键：{'、'.join(KEYS)}"
            problems.append(Problem(shown, section.line_of(key), f"cms 中的未知键 {key!r}，将被忽略{hint}", "warning"))
    text = {k: str(section[k]).strip() for k in KEYS if k != "local_port" and isinstance(section.get(k), (str, int))}
    backend = text.get("backend", "")
    if backend not in BACKENDS:
        err("backend", f"cms.backend 应为 {'、'.join(BACKENDS)} 之一（网页编辑器保存到哪个 Git 服务）")
    repo = text.get("repo", "")
    if not _REPO.match(repo):
        err("repo", "cms.repo 应为仓库路径，例如 daqing-union/fengchao-hub")
    for key in _URL_KEYS:
        value = text.get(key, "")
        parts = urlsplit(value)
        if value and (parts.scheme not in ("https", "http") or not parts.netloc):
            err(key, f"cms.{key} 应为完整网址，例如 https://git.example.org")
    if backend in ("gitea", "forgejo") and not text.get("api_root"):
        err("backend", f"cms.backend 为 {backend} 时需要 api_root（自建服务的 API 地址），例如 https://git.example.org/api/v1")
    auth_type = text.get("auth_type", "")
    if auth_type and auth_type not in ("pkce", "implicit"):
        err("auth_type", "cms.auth_type 应为 pkce 或 implicit（GitLab 的登录方式）")
    port = section.get("local_port", 8081)
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        err("local_port", "cms.local_port 应为 1–65535 的整数（本机 decap-server 的端口）")
        port = 8081
    problems += found
    if found:
        return None
    return CmsSettings(
        backend=backend,
        repo=repo,
        branch=text.get("branch") or "main",
        api_root=text.get("api_root", ""),
        base_url=text.get("base_url", ""),
        auth_endpoint=text.get("auth_endpoint", ""),
        app_id=text.get("app_id", ""),
        auth_type=auth_type,
        local_port=port,
    )
