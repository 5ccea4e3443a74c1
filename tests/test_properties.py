"""Property-based tests (hypothesis) and a bounded fuzz run over the loaders.

Properties: front matter keeps values and each key's line; valid stations
come back exactly, at their line; pagination loses and repeats nothing;
slugs from any file name are URLs or a problem. Fuzz: whatever text or YAML
value an editor's file holds, load + validate produce records or Problems —
never an exception — and rendered Markdown never carries a script.
Example counts are bounded so the whole file runs in seconds; the fuzz run
found two crashes in station validation (a list inside `amenities`, a
non-list `photos`), now problems with their line.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from fengchao.content.config import load_config
from fengchao.content.load import LineMap, LoadedContent, SourceDoc, StationFile, parse_yaml, split_front_matter
from fengchao.content.stations import FIELDS, validate_stations
from fengchao.content.validate import validate
from fengchao.markup.markdown import LinkMap, MarkdownRenderer
from fengchao.problems import Problem
from fengchao.site.assemble import Urls
from fengchao.site.news import paginate
from fengchao.text import FORBIDDEN_CHARS, SLUG_RE, short_slug

CONFIG, _ = load_config(REPO / "site.yaml", REPO)
# FENGCHAO_FUZZ_EXAMPLES=5000 for a longer run by hand; CI keeps it short.
FUZZ = settings(max_examples=int(os.environ.get("FENGCHAO_FUZZ_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text an editor might type, with YAML's and HTML's special characters.
editor_text = st.text(alphabet=st.sampled_from(list("快递小哥蜂巢站 abcXYZ019-_:#&*!|>'\"{}[],%@`<>/\\\t\n")), max_size=40)
keys = st.sampled_from(
    [
        "title",
        "date",
        "tags",
        "category",
        "slug",
        "summary",
        "draft",
        "image",
        "image_alt",
        "source_url",
        "author",
        "updated",
        "expires",
        "topic",
        "order",
        "stations",
        "contacts",
        "trusted_html",
        *FIELDS,
        "x",
    ]
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    editor_text,
    st.sampled_from(["2024-08-19", "2024-13-45", "08:30", "gaoxin-001", "萨尔图区", "seating", "gcj02"]),
)
values = st.recursive(scalars, lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)), max_leaves=12)


def doc(kind: str, rel: str, text: str) -> tuple[SourceDoc | None, list[Problem]]:
    """The loader's steps for one Markdown file, without the disk."""
    shown = f"content/{rel}"
    fm, body, body_line, problem = split_front_matter(text, shown)
    if problem:
        return None, [problem]
    meta, problems = parse_yaml(fm, shown, 2)
    if problems:
        return None, problems
    if not isinstance(meta, LineMap):
        return None, [Problem(shown, 2, "not a map")]
    meta.line = 1
    return SourceDoc(kind, Path("/x") / rel, rel, shown, meta, body, body_line), []


def assert_problems_point_into(problems, shown: str, text: str) -> None:
    lines = text.count("\n") + 1
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.path == shown and problem.message
        assert 0 <= problem.line <= lines + 1, (problem, lines)


# Front matter ---------------------------------------------------------------


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(["title", "summary", "category", "source", "editor", "image_alt"]),
        st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=30)
        # bidi overrides are an error at their line (test_yaml_meaning.py)
        .filter(lambda s: s.strip() and not FORBIDDEN_CHARS.search(s)),
        min_size=1,
        max_size=6,
    )
)
def test_front_matter_round_trips_values_and_lines(fields):
    front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=10**6)
    text = f"---\n{front}---\n\n正文\n"
    parsed, problems = doc("news", "news/a.md", text)
    assert problems == []
    file_lines = text.split("\n")
    for key, value in fields.items():
        assert parsed.meta[key] == value
        # The line a message would name is the key's own line.
        assert file_lines[parsed.meta.line_of(key) - 1].startswith(f"{key}:") or file_lines[parsed.meta.line_of(key) - 1].startswith(f"'{key}'")
    assert file_lines[parsed.body_line - 1] == ""


@FUZZ
@given(st.text(max_size=300))
def test_any_text_splits_or_is_a_problem(text):
    fm, body, body_line, problem = split_front_matter(text, "content/news/a.md")
    if problem:
        assert problem.line == 1
    else:
        assert text.split("\n")[0].strip() == "---" and body_line >= 3


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("ab: -[]{}&*!|>'\"#\n\t,?%@`1")), max_size=200))
def test_any_yaml_text_parses_or_is_a_problem(text):
    value, problems = parse_yaml(text, "content/stations/x.yaml", 1)
    assert_problems_point_into(problems, "content/stations/x.yaml", text)
    assert value is None or problems == []


@FUZZ
@given(st.dictionaries(keys, values, max_size=8), st.sampled_from(["news", "guide", "page"]), editor_text)
def test_fuzz_front_matter_gives_records_or_problems(meta, kind, body):
    folder = {"news": "news", "guide": "guides", "page": "pages"}[kind]
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n\n" + body + "\n"
    rel = f"{folder}/fuzz-file.md"
    loaded, problems = doc(kind, rel, text)
    if loaded is None:
        assert problems
        return
    records, problems = validate(LoadedContent((loaded,), (), ()), CONFIG)
    assert_problems_point_into(problems, f"content/{rel}", text)
    made = len(records.articles) + len(records.guides) + len(records.pages)
    assert made == 1 or any(p.severity == "error" for p in problems)


# Stations -------------------------------------------------------------------

station = st.fixed_dictionaries(
    {
        "id": st.from_regex(r"[a-z0-9][a-z0-9-]{0,15}", fullmatch=True),
        "name": st.text(alphabet="庆小驿快递驿站一二三", min_size=1, max_size=10),
        "district": st.sampled_from(CONFIG.districts),
        "address": st.text(alphabet="路街号12345大庆", min_size=1, max_size=12),
        "location": st.fixed_dictionaries({"lat": st.floats(45.3, 47.6), "lng": st.floats(123.6, 125.9)}),
        "amenities": st.lists(st.sampled_from(list(CONFIG.amenity_labels)), max_size=4, unique=True),
    }
)


@FUZZ
@given(st.lists(station, min_size=1, max_size=6, unique_by=lambda s: s["id"]))
def test_valid_stations_come_back_exactly_at_their_lines(items):
    text = yaml.safe_dump(items, allow_unicode=True, sort_keys=False)
    data, problems = parse_yaml(text, "content/stations/p.yaml", 1)
    assert problems == []
    stations, problems = validate_stations((StationFile(Path("/p.yaml"), "content/stations/p.yaml", tuple(data), 1),), CONFIG)
    # Two generated stations may share a point: that is a warning, not a loss.
    assert [p for p in problems if "坐标相同" not in p.message] == []
    by_id = {s.id: s for s in stations}
    assert sorted(by_id) == sorted(i["id"] for i in items)
    file_lines = text.split("\n")
    for item in items:
        got = by_id[item["id"]]
        assert (got.name, got.district, got.address) == (item["name"], item["district"], item["address"])
        assert (got.lat, got.lng) == (item["location"]["lat"], item["location"]["lng"])
        assert got.amenities == tuple(item["amenities"])
        assert file_lines[got.where.line - 1].startswith("- ")


@FUZZ
@given(st.lists(st.one_of(st.dictionaries(keys, values, max_size=8), values), max_size=4))
def test_fuzz_station_files_give_stations_or_problems(items):
    text = yaml.safe_dump(items, allow_unicode=True)
    data, problems = parse_yaml(text, "content/stations/f.yaml", 1)
    assert problems == []
    stations, problems = validate_stations((StationFile(Path("/f.yaml"), "content/stations/f.yaml", tuple(data), 1),), CONFIG)
    assert_problems_point_into(problems, "content/stations/f.yaml", text)
    assert len(stations) <= len(items)


# Slugs ----------------------------------------------------------------------


@FUZZ
@given(st.text(max_size=30).filter(lambda s: "/" not in s and s not in (".", "..") and s.strip()))
def test_a_file_name_is_a_slug_or_a_clear_problem(stem):
    rel = f"pages/{stem}.md"
    loaded, problems = doc("page", rel, "---\ntitle: 页\n---\n\n正文\n")
    records, problems = validate(LoadedContent((loaded,), (), ()), CONFIG)
    if records.pages:
        # The name itself, or (通知 公告.md) its pinyin, as the web editor's Chinese file names need.
        assert SLUG_RE.match(records.pages[0].slug)
        assert records.pages[0].slug == (stem if SLUG_RE.match(stem) else short_slug(stem))
    else:
        assert any(f"文件名 {stem!r} 不能用作网址" in p.message for p in problems), problems


# Pagination -----------------------------------------------------------------


@FUZZ
@given(st.integers(0, 95), st.integers(1, 12))
def test_pagination_loses_and_repeats_nothing(count, per_page):
    items = tuple(range(count))
    pages = paginate(items, per_page, "news/", Urls("/hub/", "https://example.org"))
    assert len(pages) == max(1, math.ceil(count / per_page))
    assert tuple(i for _, chunk, _ in pages for i in chunk) == items
    assert all(0 < len(chunk) <= per_page for _, chunk, _ in pages) or count == 0
    dirs = [d for d, _, _ in pages]
    assert dirs[0] == "news/" and len(set(dirs)) == len(dirs)
    for index, (d, _, pager) in enumerate(pages):
        assert pager.number == index + 1 and pager.total == len(pages)
        # The pager lists a window of pages (first, last, two either side of
        # this one): this page is in it, under its own number.
        current = [link for link in pager.pages if link.label == str(index + 1)]
        assert [link.url for link in current] == ["/hub/" + d]
        assert pager.pages[0].label == "1" and pager.pages[-1].label == str(len(pages))
        assert (pager.prev_url is None) == (index == 0)
        assert (pager.next_url is None) == (index == len(pages) - 1)
        if pager.next_url:
            assert pager.next_url == "/hub/" + dirs[index + 1]


# Markdown -------------------------------------------------------------------

html_ish = st.lists(
    st.sampled_from(
        [
            "<",
            ">",
            "/",
            "=",
            '"',
            "'",
            " ",
            "\n",
            "script",
            "img",
            "a",
            "svg",
            "onerror",
            "onclick",
            "href",
            "src",
            "style",
            "javascript:",
            "JaVaScRiPt:",
            "data:",
            "&#106;",
            "alert(1)",
            "[x](",
            ")",
            "{:",
            "}",
            "iframe",
            "!--",
            "`",
            "*",
            "#",
        ]
    ),
    max_size=40,
).map("".join)

_EVENT = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)


@FUZZ
@given(html_ish)
def test_rendered_markdown_never_carries_a_script(body):
    renderer = MarkdownRenderer(LinkMap("/", {}, frozenset()))
    rendered, problems = renderer.render(body, "news/a.md", "content/news/a.md", 6)
    html = rendered.html.lower()
    assert "<script" not in html and "<iframe" not in html and "<svg" not in html
    assert not _EVENT.search(html), html
    assert not re.search(r"<[^>]*\s(href|src)\s*=\s*\"?\s*(javascript|data):", html), html
    assert not re.search(r"<[^>]*\sstyle\s*=", html), html
    assert all(p.path == "content/news/a.md" for p in problems)


# Loaders from disk ----------------------------------------------------------

file_bytes = st.one_of(
    st.binary(max_size=200),
    st.builds(lambda head, body: b"---\n" + head + b"\n---\n" + body, st.binary(max_size=80), st.binary(max_size=80)),
    st.builds(lambda text: text.encode("utf-8"), editor_text),
    st.builds(lambda text: b"\xef\xbb\xbf" + text.encode("gb18030"), st.text(alphabet="快递小哥驿站：-\n", max_size=30)),
)


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(["news/a.md", "news/2024/b.md", "guides/g.md", "pages/p.md", "stations/s.yaml", "stations/t.yml", "news/img.png"]),
        file_bytes,
        min_size=1,
    )
)
def test_fuzz_files_on_disk_give_records_or_problems(files):
    import tempfile

    from fengchao.content.load import load_content

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for rel, data in files.items():
            path = root / "content" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        loaded, problems = load_content(root / "content", root)
        records, more = validate(loaded, CONFIG)
        for problem in problems + more:
            assert isinstance(problem, Problem) and problem.path.startswith("content/") and problem.message
            assert problem.path.removeprefix("content/") in files
