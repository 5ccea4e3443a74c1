"""The deploy pipelines: the workflow files are valid, and the commands in
them are the ones these tests run.

Each `fengchao …` line is read out of .github/workflows/deploy.yml and
.gitlab-ci.yml, its CI variables are replaced by realistic values (a Pages URL
with a sub-path) and it is run against a copy of the project — so a workflow
that passes here fails in CI only for reasons outside fengchao.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from conftest import REPO
from fengchao.cli import _parser, main

WORKFLOW = REPO / ".github" / "workflows" / "deploy.yml"
RELEASE = REPO / ".github" / "workflows" / "release.yml"
GITLAB = REPO / ".gitlab-ci.yml"
LOCK = REPO / "requirements.lock"

# What the CI systems put in those variables (a project site: a sub-path).
GITHUB_PAGES_URL = "https://daqing-hub.github.io/fengchao"
GITLAB_PAGES_URL = "https://daqing-hub.gitlab.io/fengchao"


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def triggers(workflow: dict) -> dict:
    # YAML 1.1 (PyYAML) reads the bare key `on` as the boolean True.
    return workflow.get("on", workflow.get(True))


def steps_of(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def run_lines(steps: list[dict]) -> list[str]:
    return [line.strip() for step in steps if "run" in step for line in step["run"].splitlines() if line.strip()]


def fengchao_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("fengchao ")]


def gitlab_script(config: dict, job: str) -> list[str]:
    out: list[str] = []
    for item in config[job]["script"]:
        out += item if isinstance(item, list) else [item]  # YAML anchors nest a list
    return out


def step_using(steps: list[dict], action: str) -> dict:
    found = [s for s in steps if s.get("uses", "").split("@")[0] == action]
    assert len(found) == 1, f"expected one step using {action}, found {len(found)}"
    return found[0]


# 1. Structure ------------------------------------------------------------------


def test_workflow_triggers_push_pull_request_schedule_and_manual():
    on = triggers(load(WORKFLOW))
    assert on["push"] == {"branches": ["main"]}
    assert "pull_request" in on
    assert "workflow_dispatch" in on
    crons = [entry["cron"] for entry in on["schedule"]]
    assert crons, "a scheduled rebuild publishes dated articles on time"
    for cron in crons:
        fields = cron.split()
        assert len(fields) == 5, cron
        minute, hour = fields[:2]
        assert minute.isdigit() and 0 <= int(minute) < 60, cron
        assert hour == "*" or (hour.isdigit() and 0 <= int(hour) < 24), cron


def test_workflow_permissions_are_least_privilege():
    workflow = load(WORKFLOW)
    jobs = workflow["jobs"]
    assert workflow["permissions"] == {"contents": "read"}
    # Only the deploy job may write to Pages or mint an OIDC token.
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    assert jobs["deploy"]["needs"] == "build"
    assert "write" not in jobs["build"]["permissions"].values()
    assert "permissions" not in jobs["check"]  # the read-only default


def test_pull_requests_check_and_never_deploy():
    jobs = load(WORKFLOW)["jobs"]
    assert jobs["check"]["if"] == "github.event_name == 'pull_request'"
    assert jobs["build"]["if"] == "github.event_name != 'pull_request'"
    check_steps = steps_of({"jobs": jobs}, "check")
    used = {s.get("uses", "").split("@")[0] for s in check_steps}
    assert not used & {"actions/upload-pages-artifact", "actions/deploy-pages", "actions/configure-pages"}
    commands = fengchao_lines(run_lines(check_steps))
    assert any(c.startswith("fengchao check ") and "--strict" in c and "--format github" in c for c in commands), commands
    assert any(c.startswith("fengchao build ") and "--strict" in c for c in commands), commands


def test_deploy_builds_strict_with_the_pages_url_and_uploads_site():
    steps = steps_of(load(WORKFLOW), "build")
    pages = step_using(steps, "actions/configure-pages")
    build = [s for s in steps if "fengchao build" in s.get("run", "")]
    assert len(build) == 1
    assert build[0]["env"]["BASE_URL"] == "${{ steps.%s.outputs.base_url }}" % pages["id"]  # noqa: UP031 - a GitHub expression, braces and all
    assert build[0]["run"].strip() == 'fengchao build --strict --format github --base-url "$BASE_URL"'
    order = [steps.index(s) for s in (pages, build[0], step_using(steps, "actions/upload-pages-artifact"))]
    assert order == sorted(order), "configure Pages → build → upload"
    assert step_using(steps, "actions/upload-pages-artifact")["with"]["path"] == "site"
    cache = step_using(steps, "actions/cache")
    assert cache["with"]["path"] == ".cache/fengchao"
    assert steps.index(cache) < steps.index(build[0]), "the cache is restored before the build"
    deploy = step_using(steps_of(load(WORKFLOW), "deploy"), "actions/deploy-pages")
    assert deploy["id"] == "deployment"


def test_installs_are_pinned_and_hash_checked():
    workflow = load(WORKFLOW)
    for job in ("check", "build"):
        lines = run_lines(steps_of(workflow, job))
        assert "python -m pip install --require-hashes -r requirements.lock" in lines, job
        assert "python -m pip install --no-deps ." in lines, job
    script = gitlab_script(load(GITLAB), "pages")
    assert "python -m pip install --require-hashes -r requirements.lock" in script


@pytest.mark.parametrize("path", [WORKFLOW, RELEASE], ids=["deploy", "release"])
def test_every_action_is_pinned_to_a_version(path):
    text = path.read_text(encoding="utf-8")
    uses = re.findall(r"uses:\s*(\S+)", text)
    assert uses
    for ref in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})", ref), f"{ref}: pin a major version or a commit"


def test_the_default_ci_path_never_pins_the_clock_or_checks_external_links():
    for path in (WORKFLOW, GITLAB):
        text = path.read_text(encoding="utf-8")
        code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        # A pinned clock would stop the scheduled rebuild from publishing anything new.
        assert "SOURCE_DATE_EPOCH" not in code, path
        assert "--external" not in code, path
        assert "--drafts" not in code, path


def test_gitlab_pages_job_publishes_public_with_the_pages_url():
    config = load(GITLAB)
    pages = config["pages"]
    assert pages["artifacts"]["paths"] == ["public"]
    assert {"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"} in pages["rules"]
    assert fengchao_lines(gitlab_script(config, "pages")) == ['fengchao build --strict --base-url "$CI_PAGES_URL" --out public']
    assert ".cache/fengchao" in pages["cache"]["paths"]
    check = config["check"]
    assert check["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert "artifacts" not in check


# 2. Validity: the published schemas and actionlint-style rules (actionlint itself
# cannot be installed here: its PyPI wrapper downloads the binary from GitHub) -----


@pytest.mark.parametrize(
    "path, schema",
    [(WORKFLOW, "vendor.github-workflows"), (RELEASE, "vendor.github-workflows"), (GITLAB, "vendor.gitlab-ci")],
    ids=["github", "release", "gitlab"],
)
def test_workflow_files_match_their_schema(path, schema):
    pytest.importorskip("check_jsonschema", reason="check-jsonschema is in the test extra: pip install -e '.[test]'")
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_rejects_a_broken_workflow(tmp_path):
    """The schema test above can fail: the same workflow passes when dumped
    back as it is, and is rejected once a job loses its runs-on."""
    pytest.importorskip("check_jsonschema", reason="check-jsonschema is in the test extra: pip install -e '.[test]'")

    def validate(workflow: dict) -> subprocess.CompletedProcess:
        workflow = {("on" if key is True else key): value for key, value in workflow.items()}
        path = tmp_path / "workflow.yml"
        path.write_text(yaml.safe_dump(workflow, allow_unicode=True), encoding="utf-8")
        return subprocess.run(
            [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)],
            capture_output=True,
            text=True,
            timeout=120,
        )

    workflow = load(WORKFLOW)
    assert validate(workflow).returncode == 0
    del workflow["jobs"]["build"]["runs-on"]
    result = validate(workflow)
    assert result.returncode == 1 and "runs-on" in result.stdout + result.stderr, result.stdout


# The rules actionlint would apply that matter here, runnable anywhere.
CONTEXTS = {"github", "env", "steps", "runner", "needs", "job", "secrets", "inputs", "vars", "matrix", "strategy"}


def expressions(value) -> list[str]:
    text = yaml.safe_dump(value, allow_unicode=True) if not isinstance(value, str) else value
    return re.findall(r"\$\{\{(.*?)\}\}", text, re.S)


def lint(workflow: dict) -> list[str]:
    """Unknown contexts, steps referred to before (or without) being defined,
    env names nobody sets, needs naming no job, event names never triggered."""
    found: list[str] = []
    jobs = workflow["jobs"]
    events = set(triggers(workflow))
    top_env = set(workflow.get("env", {}))
    for name, job in jobs.items():
        for need in [job["needs"]] if isinstance(job.get("needs"), str) else job.get("needs", []):
            if need not in jobs:
                found.append(f"{name}: needs unknown job {need!r}")
        for event in re.findall(r"github\.event_name [!=]= '([a-z_]+)'", str(job.get("if", ""))):
            if event not in events:
                found.append(f"{name}: if tests event {event!r}, which never triggers")
        seen: list[str] = []
        ids = [step.get("id") for step in job.get("steps", []) if step.get("id")]
        job_env = top_env | set(job.get("env", {}))
        parts = [(None, {k: v for k, v in job.items() if k != "steps"})] + [(step, step) for step in job.get("steps", [])]
        for step, value in parts:
            env = job_env | set((step or {}).get("env", {}))
            for expression in expressions(value):
                for context in re.findall(r"(?<![\w.'])([a-z_]+)(?=\.)", expression):
                    if context not in CONTEXTS:
                        found.append(f"{name}: unknown context {context!r} in ${{{{{expression}}}}}")
                for ref in re.findall(r"\bsteps\.([\w-]+)\.", expression):
                    # environment.url is read after the job; a step reads only earlier steps.
                    allowed = ids if step is None else seen
                    if ref not in allowed:
                        found.append(f"{name}: steps.{ref} is not a step before this point")
                for ref in re.findall(r"\benv\.([\w]+)", expression):
                    if ref not in env:
                        found.append(f"{name}: env.{ref} is never set")
            if step is not None and step.get("id"):
                seen.append(step["id"])
            if step is not None:
                for ref in re.findall(r"\$\{?([A-Z][A-Z0-9_]+)", step.get("run", "")):
                    if ref not in env and not ref.startswith(("GITHUB_", "RUNNER_")):
                        found.append(f"{name}: run uses ${ref}, which no env sets")
    return found


def test_workflow_expressions_refer_to_what_exists():
    assert lint(load(WORKFLOW)) == []
    assert lint(load(RELEASE)) == []


def test_the_expression_rules_catch_mistakes():
    workflow = load(WORKFLOW)
    build = steps_of(workflow, "build")
    step_using(build, "actions/configure-pages")["id"] = "page"  # the build step still reads steps.pages
    workflow["jobs"]["deploy"]["needs"] = "compile"
    workflow["jobs"]["check"]["if"] = "github.event_name == 'pull_requests'"
    [run_step] = [s for s in build if "fengchao build" in s.get("run", "")]
    del run_step["env"]
    assert lint(workflow) == [
        "check: if tests event 'pull_requests', which never triggers",
        "build: run uses $BASE_URL, which no env sets",
        "deploy: needs unknown job 'compile'",
    ]
    workflow = load(WORKFLOW)
    step_using(steps_of(workflow, "build"), "actions/configure-pages")["id"] = "page"
    assert lint(workflow) == ["build: steps.pages is not a step before this point"]


def test_lock_file_pins_every_dependency_with_hashes():
    import tomllib

    from packaging.requirements import Requirement

    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    text = LOCK.read_text(encoding="utf-8")
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==([^\s\\;]+)", text, re.M))
    pins = {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in pins.items()}
    regenerate = "regenerate it: python -m pip install pip-tools && pip-compile (settings in pyproject.toml)"
    for spec in declared:
        requirement = Requirement(spec)
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        assert name in pins, f"{name} is a dependency but not in requirements.lock; {regenerate}"
        assert requirement.specifier.contains(pins[name], prereleases=True), f"{name}=={pins[name]} does not satisfy {spec}; {regenerate}"
    blocks = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", text)
    for block in blocks[1:]:
        assert "--hash=sha256:" in block, f"no hash for {block.splitlines()[0]}; {regenerate}"


# 3. The commands in the files, run -------------------------------------------


def copy_project(tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    root.mkdir()
    for name in ("assets", "content"):  # the theme comes with the installed package
        shutil.copytree(REPO / name, root / name)
    shutil.copy2(REPO / "site.yaml", root / "site.yaml")
    return root


def expand(line: str, env: dict[str, str]) -> list[str]:
    """A run line → argv, the way bash would expand these simple variables."""
    for name, value in env.items():
        line = line.replace(f'"${name}"', shlex.quote(value)).replace(f"${name}", value)
    argv = shlex.split(line, comments=True)
    assert argv[0] == "fengchao"
    return argv[1:]


DEMO_CLOCK = 1796515200  # 2026-12-06 00:00 UTC, a week after the demo guides were reviewed


def run_ci_line(line: str, root: Path, env: dict[str, str], monkeypatch, capsys) -> tuple[int, str, str]:
    monkeypatch.chdir(root)  # CI runs in the checkout; relative --out is relative to it
    # The demo's guides were reviewed on 2026-11-29; a fixed clock keeps the
    # stale-guide check (a warning, so an error under --strict) from failing
    # these tests a year from now, which is the checker doing its job.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", os.environ.get("SOURCE_DATE_EPOCH", str(DEMO_CLOCK)))
    code = main(["--root", str(root), *expand(line, env)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def every_fengchao_line() -> list[str]:
    workflow = load(WORKFLOW)
    lines = [line for job in workflow["jobs"] for line in fengchao_lines(run_lines(steps_of(workflow, job)))]
    config = load(GITLAB)
    lines += [line for job in ("check", "pages") for line in fengchao_lines(gitlab_script(config, job))]
    return lines


def test_every_ci_command_is_a_valid_command_line():
    lines = every_fengchao_line()
    assert len(lines) == 6, lines  # GitHub: check, build (PR), build (deploy); GitLab: check, build, build
    for line in lines:
        env = {"BASE_URL": GITHUB_PAGES_URL, "RUNNER_TEMP": "/tmp/r", "CI_PAGES_URL": GITLAB_PAGES_URL, "CI_PROJECT_DIR": "/tmp/p"}
        _parser().parse_args(expand(line, env))  # argparse exits on an unknown option


@pytest.mark.parametrize("source", ["github", "gitlab"])
def test_the_deploy_build_line_builds_the_demo_under_the_pages_sub_path(source, tmp_path, monkeypatch, capsys):
    root = copy_project(tmp_path)
    if source == "github":
        workflow = load(WORKFLOW)
        [line] = fengchao_lines(run_lines(steps_of(workflow, "build")))
        env, out, prefix = {"BASE_URL": GITHUB_PAGES_URL}, root / "site", "/fengchao/"
    else:
        [line] = fengchao_lines(gitlab_script(load(GITLAB), "pages"))
        env, out, prefix = {"CI_PAGES_URL": GITLAB_PAGES_URL}, root / "public", "/fengchao/"
    code, stdout, stderr = run_ci_line(line, root, env, monkeypatch, capsys)
    assert code == 0, stderr
    home = (out / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'(?:href|src)="(/[^"]*)"', home)
    assert hrefs and all(h.startswith(prefix) for h in hrefs), [h for h in hrefs if not h.startswith(prefix)]
    assert f'<link rel="canonical" href="{GITHUB_PAGES_URL if source == "github" else GITLAB_PAGES_URL}/">' in home


def test_the_pull_request_lines_pass_on_the_demo(tmp_path, monkeypatch, capsys):
    root = copy_project(tmp_path)
    for line in fengchao_lines(run_lines(steps_of(load(WORKFLOW), "check"))):
        code, stdout, stderr = run_ci_line(line, root, {"RUNNER_TEMP": str(tmp_path / "runner")}, monkeypatch, capsys)
        assert code == 0, (line, stderr)
        assert "::error" not in stdout and "::warning" not in stdout, stdout
    assert (tmp_path / "runner" / "site" / "index.html").is_file()
    assert not (root / "site").exists(), "the pull-request build must not write the deployable folder"


# 4. The dated-article promise, through the deploy job's own command ----------

ARTICLE_WITH_BROKEN_LINK = """\
---
title: 今天的新闻
date: 2024-08-19
---

第一段。

附近的驿站见[这里](/stations/no-such-station/)。
"""
BROKEN_LINE = 8  # the link's line in the file (line 1 is the opening ---)

FUTURE_ARTICLE = """\
---
title: 明天才发布的新闻
date: 2025-03-01 08:00
---

这篇新闻要到 2025 年 3 月 1 日 8 点才出现。
"""


def epoch(*moment: int) -> str:
    return str(int(datetime(*moment, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp()))


def test_strict_deploy_build_fails_on_a_broken_link_and_publishes_a_dated_article_on_time(make_site, monkeypatch, capsys):
    [line] = fengchao_lines(run_lines(steps_of(load(WORKFLOW), "build")))
    site = make_site({"news/2024/today.md": ARTICLE_WITH_BROKEN_LINK, "news/2025/tomorrow.md": FUTURE_ARTICLE})
    env = {"BASE_URL": GITHUB_PAGES_URL}

    # Before its date, with the broken link: the deploy fails and says where.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(2025, 2, 28, 12))
    code, stdout, stderr = run_ci_line(line, site.root, env, monkeypatch, capsys)
    assert code == 1, stderr
    assert f"content/news/2024/today.md:{BROKEN_LINE}: 链接 '/stations/no-such-station/'" in stderr
    assert "/fengchao/stations/no-such-station/ 在生成的网站中不存在" in stderr
    assert stdout.startswith(f"::error file=content/news/2024/today.md,line={BROKEN_LINE},title=fengchao::链接 "), stdout
    assert "失败：1 个错误" in stderr
    assert "tomorrow" not in stderr + stdout and "明天才发布" not in stderr + stdout
    assert not site.out.exists(), "a failed build writes nothing"

    # The link fixed, still before its date: deployed, the future article absent.
    site.write("news/2024/today.md", ARTICLE_WITH_BROKEN_LINK.replace("/stations/no-such-station/", "/stations/"))
    code, stdout, stderr = run_ci_line(line, site.root, env, monkeypatch, capsys)
    assert code == 0, stderr
    assert (site.out / "news/today/index.html").is_file()
    assert not (site.out / "news/tomorrow").exists()
    for rel in ("index.html", "news/index.html", "feed.xml", "sitemap.xml"):
        assert "明天才发布" not in site.read(rel) and "news/tomorrow/" not in site.read(rel), rel

    # The scheduled rebuild after its date: there, in the list and the feed.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(2025, 3, 1, 8, 5))
    code, stdout, stderr = run_ci_line(line, site.root, env, monkeypatch, capsys)
    assert code == 0, stderr
    assert "明天才发布的新闻" in site.read("news/tomorrow/index.html")
    assert "/fengchao/news/tomorrow/" in site.read("news/index.html")
    assert f"{GITHUB_PAGES_URL}/news/tomorrow/" in site.read("feed.xml")


# 5. The docs name the same commands --------------------------------------------


def test_deploy_doc_commands_are_valid_and_each_host_is_explained_in_both_languages():
    doc = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    commands = re.findall(r"^\s*(fengchao (?:build|check)[^\n`|&;]*)", doc, re.M)
    assert len(commands) >= 5, commands
    for command in commands:
        env = {
            "BASE_URL": GITHUB_PAGES_URL,
            "CI_PAGES_URL": GITLAB_PAGES_URL,
            "URL": "https://hub.example.org",
            "CF_PAGES_URL": "https://hub.pages.dev",
            "DEPLOY_PRIME_URL": "https://x--hub.netlify.app",
        }
        _parser().parse_args(expand(command.strip(), env))
    sections = re.split(r"^## ", doc, flags=re.M)
    for host in ("GitHub Pages", "GitLab Pages", "Netlify", "Cloudflare Pages", "nginx"):
        [section] = [s for s in sections if s.startswith(host) or s.split("\n")[0].find(host) >= 0][:1]
        assert len(re.findall(r"[\u4e00-\u9fff]", section)) >= 80, f"{host}: no Chinese explanation"
        assert len(re.findall(r"\b[A-Z]?[a-z]+(?:\s+[a-z]+){5}", section)) >= 2, f"{host}: no English explanation"


# 4. The release job: packages that install anywhere ---------------------------


def test_release_builds_checks_and_tries_the_wheel_outside_the_checkout():
    workflow = load(RELEASE)
    assert set(triggers(workflow)) == {"push", "workflow_dispatch"} and triggers(workflow)["push"] == {"tags": ["v*"]}
    assert workflow["permissions"] == {"contents": "read"}, "packaging needs no write access"
    steps = steps_of(workflow, "package")
    lines = run_lines(steps)
    order = [
        "python -m build --sdist --wheel --outdir dist .",
        "python -m twine check --strict dist/*",
        '"$RUNNER_TEMP/venv/bin/python" -m pip install --no-deps dist/*.whl',
        'venv/bin/fengchao --root "$GITHUB_WORKSPACE" build --strict --out "$RUNNER_TEMP/demo"',
        "venv/bin/fengchao init new-hub",
        "venv/bin/fengchao --root new-hub build --strict",
    ]
    assert [lines.index(line) for line in order] == sorted(lines.index(line) for line in order)
    assert 'python -m venv "$RUNNER_TEMP/venv"' in lines
    [try_step] = [s for s in steps if "venv/bin/fengchao init new-hub" in s.get("run", "")]
    assert try_step["working-directory"] == "${{ runner.temp }}", "run outside the checkout, so the checkout's fengchao/ is not imported"
    for line in (order[3], order[5]):
        argv = shlex.split(line.replace('"$GITHUB_WORKSPACE"', "hub").replace('"$RUNNER_TEMP/demo"', "out"))[1:]
        _parser().parse_args(argv)


def test_the_release_packaging_commands_pass_on_this_tree(tmp_path):
    """The workflow's build and twine lines, run on a copy of the sources:
    the sdist and the wheel build, pass `twine check --strict`, and both hold the theme."""
    pytest.importorskip("build", reason="the release tools: pip install build twine")
    pytest.importorskip("twine", reason="the release tools: pip install build twine")
    import tarfile
    import zipfile

    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(REPO / name, source / name)
    shutil.copytree(REPO / "fengchao", source / "fengchao", ignore=shutil.ignore_patterns("__pycache__"))
    lines = run_lines(steps_of(load(RELEASE), "package"))
    build_line = next(line for line in lines if line.startswith("python -m build"))
    built = subprocess.run(
        [sys.executable, *shlex.split(build_line)[1:-1], "--no-isolation", "."], cwd=source, capture_output=True, text=True, timeout=300
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    dist = sorted((str(p) for p in (source / "dist").iterdir()), key=lambda p: p.endswith(".whl"))
    assert [Path(p).suffix for p in dist] == [".gz", ".whl"], dist
    twine_line = next(line for line in lines if "twine check" in line)
    checked = subprocess.run([sys.executable, *shlex.split(twine_line)[1:-1], *dist], cwd=source, capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0 and "PASSED" in checked.stdout, checked.stdout + checked.stderr
    with tarfile.open(dist[0]) as sdist:
        assert any(n.endswith("fengchao/theme/templates/base.html") for n in sdist.getnames()), "the sdist lacks the theme"
    assert "fengchao/tools/starter/site.yaml" in zipfile.ZipFile(dist[1]).namelist()
