"""Full-text search's index: Pagefind, run on the pages just written (the search page is site/search_page.py).

The index is made by Pagefind's extended build from the HTML we just rendered,
inside the temporary output folder before it is swapped in, so every build has
an index that matches its pages and a failed index leaves the old site alone.
What gets indexed is decided in the templates: only elements marked
`data-pagefind-body` (the article, guide, station or page itself — never
lists, navigation or the footer), with `data-pagefind-filter` for type,
district and amenity and `data-pagefind-meta` for type, date and district.

Chinese is indexed one character per word. Pagefind matches whole words or
word prefixes, and its index-time segmenter (jieba, via charabia) keeps
compounds such as 外卖骑手 or 心理关爱 as single words, so 骑手 and 关爱 —
the words riders actually type — found nothing on pages that contain them
(Pagefind #987, #659). Indexing every Han character as its own word and
searching a Chinese query as an exact phrase of characters (assets/search.js)
turns that into substring search, the way Lucene's StandardAnalyzer treats
CJK. The pages readers get are not touched: Pagefind reads a private copy in
which adjacent Han characters in text (never in tags or attributes) are
separated by U+200B, where the segmenter splits and which Pagefind strips
from the stored text, so excerpts read normally. The index language is forced
from site.yaml (zh-CN → `zh-cn`) because only a Chinese-language index is
segmented at all. docs/search.md has the measurements.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fengchao.problems import BuildFailed, Problem

BUNDLE_DIR = "pagefind"

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_BETWEEN_HAN = re.compile(f"(?<=[{_HAN}])(?=[{_HAN}])")
_TAG = re.compile(r"(<[^>]*>)")
_ZWSP = "\u200b"


@dataclass(frozen=True)
class IndexReport:
    pages: int  # HTML files Pagefind read
    files: int  # files in the bundle (pagefind/)
    bytes: int  # their total size


def index_language(language: str) -> str:
    """Pagefind's language code for the site language (zh-CN → zh-cn)."""
    return language.strip().lower().replace("_", "-") or "zh-cn"


def split_han(html: str) -> str:
    """`html` with U+200B between adjacent Han characters in text, not in tags.

    Jinja escapes `<` and `>` inside attribute values, so a tag never
    contains `>` and the split below is exact for our own output.
    """
    return "".join(part if part.startswith("<") else _BETWEEN_HAN.sub(_ZWSP, part) for part in _TAG.split(html))


def _index_copy(folder: Path, scratch: Path) -> int:
    """Write the copy Pagefind reads: only pages that have a search body."""
    count = 0
    for page in folder.rglob("*.html"):
        rel = page.relative_to(folder)
        if rel.parts[0] == BUNDLE_DIR:
            continue
        html = page.read_text(encoding="utf-8")
        if "data-pagefind-body" not in html:
            continue
        target = scratch / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(split_han(html), encoding="utf-8")
        count += 1
    return count


def _index(scratch: Path, bundle: Path, language: str) -> None:
    """Run Pagefind's own command on the copy and wait for it to exit.

    Not its Python API: that API's close() gives the backend 5 s and then
    terminates it, and on a loaded machine a bundle was published with an
    empty pagefind-worker.js. A process that has exited has written
    everything."""
    import pagefind  # noqa: F401 - ImportError says Pagefind is not installed

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pagefind",
            "--site",
            str(scratch),
            "--output-path",
            str(bundle),
            "--force-language",
            index_language(language),
            "--quiet",
        ],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip().splitlines()[-3:]
        raise RuntimeError(f"pagefind exited with {proc.returncode}: {' '.join(detail)}")


def index_site(folder: Path, language: str) -> IndexReport:
    """Index the HTML in `folder` into `folder/pagefind/`.

    Raises BuildFailed (exit 1, old output untouched) if Pagefind is missing
    or fails: a site whose search page can never answer is a broken build.
    """
    bundle = folder / BUNDLE_DIR
    with tempfile.TemporaryDirectory(prefix="fengchao-search-") as scratch_dir:
        scratch = Path(scratch_dir)
        pages = _index_copy(folder, scratch)
        try:
            _index(scratch, bundle, language)
        except ImportError as exc:
            raise BuildFailed([Problem("pyproject.toml", 0, f"没有安装 Pagefind（{exc}）：请运行 python -m pip install -e .")]) from exc
        except FileNotFoundError as exc:
            raise BuildFailed([Problem("pyproject.toml", 0, f"找不到 Pagefind 程序（{exc}）：请重新安装 pagefind[extended]")]) from exc
        except Exception as exc:  # noqa: BLE001 - any indexer failure fails the build with its message
            raise BuildFailed([Problem(BUNDLE_DIR, 0, f"搜索索引生成失败：{type(exc).__name__}: {exc}")]) from exc
    if not (bundle / "pagefind.js").is_file():
        raise BuildFailed([Problem(BUNDLE_DIR, 0, "搜索索引生成失败：Pagefind 没有写出 pagefind.js")])
    try:
        canonical_filters(bundle)
    except Exception as exc:  # noqa: BLE001 - an unexpected bundle layout fails the build, never ships half-rewritten
        raise BuildFailed([Problem(BUNDLE_DIR, 0, f"搜索索引整理失败（Pagefind 版本不兼容？）：{type(exc).__name__}: {exc}")]) from exc
    _drop_unused_ui(bundle)
    files = [p for p in bundle.rglob("*") if p.is_file()]
    empty = sorted(p.relative_to(folder).as_posix() for p in files if p.stat().st_size == 0)
    if empty:  # never publish a half-written bundle
        raise BuildFailed([Problem(BUNDLE_DIR, 0, f"搜索索引生成失败：Pagefind 写出了空文件 {'、'.join(empty[:3])}")])
    return IndexReport(pages, len(files), sum(p.stat().st_size for p in files))


def _drop_unused_ui(bundle: Path) -> None:
    """Pagefind also writes its own UI (~400 KB) that our search page never
    loads (assets/search.js talks to pagefind.js); its files are not even
    byte-stable between runs. Publishing them would only cost bytes."""
    for path in bundle.iterdir():
        if path.is_file() and path.name.startswith(("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")):
            path.unlink()


# --- Reproducible filter files -------------------------------------------
#
# Pagefind writes the values inside each filter file in hash-map order, which
# changes from run to run (Pagefind #638: fragments became stable in 1.3,
# filter and meta files did not), and the file names are hashes of that
# content, so two builds of the same site differed. We rewrite each filter
# file with its values sorted, name it by its new content, and point the
# language's meta file (and pagefind-entry.json) at the new names. The
# format is Pagefind's own: gzip of b"pagefind_dcd" + CBOR.

_SIGNATURE = b"pagefind_dcd"


def _read_pf(path: Path):
    import cbor2

    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_SIGNATURE):
        raise ValueError(f"{path.name}: not a Pagefind data file")
    return cbor2.loads(data[len(_SIGNATURE) :])


def _write_pf(folder: Path, stem: str, suffix: str, value, digits: int) -> str:
    """Write `value` as a Pagefind data file named by its content; return the hash part."""
    import cbor2

    payload = _SIGNATURE + cbor2.dumps(value)
    name = f"{stem}_{hashlib.sha256(payload).hexdigest()[:digits]}"
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(payload, mtime=0))
    return name


def canonical_filters(bundle: Path) -> None:
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, info in entry["languages"].items():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _read_pf(meta_path)
        # meta[3] lists the filters as [name, file hash] (the layout of
        # Pagefind 1.5's meta file; a test decodes it, so an upgrade that
        # changes it fails loudly instead of shipping a broken index).
        renamed = []
        for name, old in meta[3]:
            old_path = bundle / "filter" / f"{old}.pf_filter"
            filter_name, values = _read_pf(old_path)
            old_path.unlink()
            values = sorted(([value, sorted(pages)] for value, pages in values), key=lambda item: item[0])
            renamed.append([name, _write_pf(bundle / "filter", language, ".pf_filter", [filter_name, values], 7)])
        meta[3] = sorted(renamed)
        meta_path.unlink()
        info["hash"] = _write_pf(bundle, f"pagefind.{language}", ".pf_meta", meta, 13).removeprefix("pagefind.")
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
