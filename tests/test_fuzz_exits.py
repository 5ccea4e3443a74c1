"""Fuzz every text field through every exit (hypothesis).

Random Unicode — C0 and C1 controls, bidi overrides, invisible characters,
lone surrogates written as YAML escapes, HTML, YAML and spreadsheet syntax,
very long names — goes into every text field of an article, a guide and a
station, written either escaped in double quotes or as typed. Whatever it
is, `fengchao build` must end with 0 or 1 (never a traceback or exit 3),
and neither a message (text, GitHub annotations or JSON) nor any output
file (HTML, feeds, sitemap, JSON, GeoJSON, CSV, headers) may carry a
control character; every CSV cell a spreadsheet would evaluate is
neutralised. `FENGCHAO_FUZZ_EXAMPLES=500` for a longer run by hand.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import os
import re
import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from fengchao.cli import main
from fengchao.content.stations import FORMULA_START

EXAMPLES = int(os.environ.get("FENGCHAO_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)

# What may never reach a terminal or a file (tab, newline and CR are layout).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
HOSTILE = (
    [chr(c) for c in itertools.chain(range(0x00, 0x20), range(0x7F, 0xA0))]
    + [
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
        "\u200b",
        "\u200c",
        "\u200d",
        "\u2060",
        "\ufeff",
        "\u00ad",
        "\u200e",
        "\u200f",
        "\ud800",
        "\udfff",
    ]
    + list("快递小哥蜂巢驿站 abcXYZ019-_:#&*!|>'\"{}[],%@`<>/\\=+")
    + ["!!binary ", "<script>", "javascript:", "yes", "010", "http://[", "//"]
)

pieces = st.sampled_from(HOSTILE)
# Pieces a build accepts (perhaps with a warning): without them nearly every
# example would stop at its first error and never reach the output files.
ACCEPTED = [p for p in HOSTILE if not CONTROL.search(p) and p not in ("!!binary ", "\r")]
accepted_text = (
    st.lists(st.sampled_from(ACCEPTED), min_size=1, max_size=12)
    .map("".join)
    .filter(lambda t: t.strip(" \u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"))
)
hostile_text = st.one_of(
    accepted_text,
    st.lists(pieces, min_size=1, max_size=12).map("".join),
    st.text(min_size=1, max_size=20),  # any code point, surrogates included
    st.integers(120, 400).map(lambda n: "蜂" * n),  # very long names
    st.integers(120, 400).map(lambda n: "a" * n),
)


def yaml_scalar(text: str, escaped: bool) -> str:
    """A YAML double-quoted scalar: every character not printable in YAML
    written as an escape (`escaped`), or the text as typed (the YAML reader
    then refuses what it must)."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif escaped and (code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or code in (0xFEFF, 0xFFFE, 0xFFFF)):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        elif ch == "\n":
            out.append("\\n")
        elif 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")  # a raw lone surrogate cannot be written to a file at all
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


ARTICLE_FIELDS = ("title", "summary", "category", "source", "editor", "image_alt", "author")
STATION_FIELDS = ("name", "address", "hours", "phone", "operator", "notes")


def project(root, values: dict[str, str], escaped: bool, name: str):
    q = lambda key: yaml_scalar(values[key], escaped)  # noqa: E731
    article = (
        "---\n"
        + "".join(f"{key}: {q(key)}\n" for key in ARTICLE_FIELDS)
        + f"date: 2024-08-19\ntags: [{q('tag')}, 普通标签]\n---\n\n{values['body']}\n"
    )
    guide = (
        f"---\ntitle: {q('title')}\ntopic: 补助申请\nsummary: {q('summary')}\naudience: {q('summary')}\n"
        f"contacts:\n  - {{name: {q('name')}, phone: {q('phone')}}}\n---\n\n正文\n"
    )
    station = (
        "- id: fuzz-1\n  district: 萨尔图区\n  location: {lat: 46.6, lng: 125.02}\n  amenities: [seating]\n"
        + "".join(f"  {key}: {q(key)}\n" for key in STATION_FIELDS)
        + f"  photos:\n    - {{src: {q('src')}, alt: {q('name')}}}\n"
    )
    for rel, text in {
        f"news/2024/{name}.md": article,
        "news/2024/plain.md": article.replace(f"title: {q('title')}", "title: 普通标题"),
        "guides/g.md": guide,
        "stations/s.yaml": station,
    }.items():
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", errors="surrogatepass")


BUILT: list[int] = []


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def check_outputs(site) -> None:
    for path in site.rglob("*"):
        if not path.is_file() or path.suffix in (".png", ".ico", ".woff2", ".wasm", ".pf_meta", ".pf_index", ".pf_fragment"):
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        bad = CONTROL.search(text)
        assert bad is None, (path.relative_to(site).as_posix(), repr(bad.group()), text[max(0, bad.start() - 60) : bad.end() + 20])
    rows = list(csv.reader(io.StringIO((site / "stations/stations.csv").read_text(encoding="utf-8").lstrip("\ufeff"))))
    for row in rows[1:]:
        for cell in row[:4] + row[6:]:
            assert not cell.lstrip(" ").startswith(FORMULA_START) or cell.startswith("'") or re.fullmatch(r"[+-][\d\s().-]*", cell.strip()), row


KEYS = (*ARTICLE_FIELDS, *STATION_FIELDS, "tag", "src", "body")
# Half the examples use only text a build accepts, so they reach every output file.
accepted_values = st.fixed_dictionaries({key: accepted_text for key in KEYS} | {"src": st.just("https://img.example.org/a.jpg")})


@FUZZ
@given(
    values=st.one_of(accepted_values, st.fixed_dictionaries({key: hostile_text for key in KEYS})),
    escaped=st.booleans(),
    name=st.sampled_from(["a", "b-2"]),
    fmt=st.sampled_from(["text", "github", "json"]),
)
def test_any_text_in_any_field_never_crashes_or_reaches_an_exit_raw(tmp_path_factory, values, escaped, name, fmt):
    root = tmp_path_factory.mktemp("fuzz") / "project"
    root.mkdir()
    shutil.copy(REPO / "site.yaml", root / "site.yaml")  # the theme comes with the package
    project(root, values, escaped, name)
    code, out, err = run("--root", str(root), "build", "--no-search", "--jobs", "1", "--format", fmt)
    assert code in (0, 1), err
    assert "Traceback" not in err and "内部错误" not in err, err
    for stream in (out, err):
        bad = CONTROL.search(stream)
        assert bad is None, (repr(bad.group()), stream[max(0, bad.start() - 80) : bad.end() + 20])
    if code == 0:
        BUILT.append(1)
        check_outputs(root / "site")
    shutil.rmtree(root.parent, ignore_errors=True)


def test_the_fuzz_reached_the_output_files():
    """Runs after the fuzz (pytest keeps file order): some examples built."""
    assert BUILT, "no example built: the fuzz only exercised error paths"
    print(f"{len(BUILT)} of the fuzz examples built")
