"""Stage 4, render: each `Job` → bytes, with Jinja2.

`Renderer.render(job)` depends on nothing but the job and the template files:
no shared state, so pages can be rendered in any order, or in worker
processes, and an unchanged job renders to the same bytes.
"""

from __future__ import annotations

import traceback
from pathlib import Path

import jinja2

from fengchao.problems import Problem, display_path


class Renderer:
    def __init__(self, templates: tuple[Path, ...] | Path, root: Path):
        # Searched in order, the first folder holding a name wins (the
        # project's templates/ over the packaged theme's), as a ChoiceLoader
        # of FileSystemLoaders would.
        self.templates = (templates,) if isinstance(templates, Path) else tuple(templates)
        self.root = root
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(t) for t in self.templates]),
            autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def render(self, template: str, context: dict) -> tuple[bytes | None, Problem | None]:
        try:
            return self.env.get_template(template).render(context).encode("utf-8"), None
        except jinja2.TemplateSyntaxError as exc:
            where = display_path(Path(exc.filename), self.root) if exc.filename else f"templates/{template}"
            return None, Problem(where, exc.lineno or 0, f"模板语法错误：{exc.message}")
        except jinja2.TemplateNotFound as exc:
            return None, Problem(f"templates/{template}", 0, f"找不到模板 {exc.name}")
        except Exception as exc:  # noqa: BLE001 - any template failure is reported with its line
            path, line = self._template_frame(exc)
            return None, Problem(path or f"templates/{template}", line, f"模板渲染失败：{type(exc).__name__}: {exc}")

    def _template_frame(self, exc: Exception) -> tuple[str | None, int]:
        """The innermost template line in the traceback (Jinja keeps it there)."""
        found: tuple[str | None, int] = (None, 0)
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename.startswith(tuple(str(t) for t in self.templates)):
                found = (display_path(Path(frame.filename), self.root), frame.lineno or 0)
        return found
