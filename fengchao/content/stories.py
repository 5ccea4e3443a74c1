"""The same story twice: an article imported again, or pasted in a second
time under another file name, is listed twice on the site. Two news files
with the same title or the same `source_url` are warned about, each pointing
at the other file, by `check`/`build` and by `fengchao import`."""

from __future__ import annotations

from dataclasses import dataclass

from fengchao.problems import Problem


@dataclass(frozen=True)
class Story:
    shown: str  # the file, as messages show it
    title: str
    title_line: int
    source_url: str | None = None
    url_line: int = 0


def same_story(stories: list[Story]) -> list[Problem]:
    """A warning on each story that repeats an earlier one (in file order)."""
    problems: list[Problem] = []
    by_title: dict[str, Story] = {}
    by_url: dict[str, Story] = {}
    for story in sorted(stories, key=lambda s: s.shown):
        first = by_title.setdefault(story.title, story)
        if first is not story:
            problems.append(_warning(story, story.title_line, first, first.title_line, f"标题相同（{story.title}）"))
            continue  # one warning per file is enough
        if story.source_url:
            first = by_url.setdefault(story.source_url.rstrip("/"), story)
            if first is not story:
                problems.append(_warning(story, story.url_line, first, first.url_line, "原文网址 source_url 相同"))
    return problems


def _warning(story: Story, line: int, first: Story, first_line: int, why: str) -> Problem:
    return Problem(story.shown, line, f"与 {first.shown}:{first_line} 疑似同一篇报道（{why}）：是否重复导入？重复的话删掉其中一篇", "warning")
