"""`fengchao stations import FILE.csv|FILE.xlsx`: a spreadsheet → station YAML.

Editors keep the 624 stations in a spreadsheet. Every row is checked by the
same rules as content/stations/*.yaml (stations.py), together with the
stations already in content/ (duplicate ids, same point), and every problem is
reported as `FILE:row:column: message`. Nothing is written unless the whole
sheet is valid; the YAML is written to a temporary file and renamed.

Column names come from `stations.columns` in site.yaml plus built-in Chinese
and English names (station_config.DEFAULT_COLUMNS).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from fengchao.content.config import SiteConfig
from fengchao.content.load import LineMap, StationFile, load_content, read_text
from fengchao.content.stations import looks_like_formula, validate_stations
from fengchao.problems import Problem, display_path
from fengchao.report import terminal_safe
from fengchao.text import SLUG_RE, short_slug

REQUIRED = ("id", "name", "district", "address", "lat", "lng", "amenities")
GENERATED = "# 由 fengchao stations import 生成"
# Problems from stations.py carry a line; for sheet cells that line encodes
# (row, column) so every message can name its cell.
_CELL = 10_000
_SPLIT = re.compile(r"[、,，;；/\s]+")
_TRUE = {"是", "true", "yes", "y", "1", "示例"}
_FALSE = {"否", "false", "no", "n", "0", ""}


@dataclass(frozen=True)
class SheetProblem:
    path: str
    row: int
    column: str  # "C"; "" when the problem is not about one cell
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "警告："
        return f"{self.path}:{self.row}:{self.column or '-'}: {prefix}{self.message}"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: what Excel shows above the column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_sheet(path: Path, shown: str) -> tuple[list[list[object]], list[SheetProblem]]:
    """Rows of cells (header first). CSV in UTF-8 (a BOM is fine) or, as
    Chinese Excel's plain "CSV" saves it, GBK: read as `import` reads GBK pages."""
    if path.suffix.lower() == ".csv":
        text, problem = read_text(path, shown)
        if problem and "GBK" in problem.message:
            try:
                text, problem = path.read_bytes().decode("gb18030").replace("\r\n", "\n").replace("\r", "\n"), None
            except UnicodeDecodeError:
                pass  # neither: say so below
        if problem:
            return [], [SheetProblem(shown, problem.line, "", problem.message + "（Excel 中可“另存为 → CSV UTF-8”）")]
        return [row for row in csv.reader(io.StringIO(text))], []
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one message to the editor
            return [], [SheetProblem(shown, 0, "", f"无法读取 Excel 文件：{exc}")]
        try:
            return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)], []
        finally:
            book.close()
    return [], [SheetProblem(shown, 0, "", "只能导入 .csv（UTF-8 或 GBK）或 .xlsx 文件")]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 04591234567 as 4591234567.0
    return str(value).strip()


def _row_item(cells: list[object], row: int, fields: dict[int, str], config: SiteConfig, errors: list[SheetProblem], shown: str) -> LineMap:
    """One row as the LineMap stations.py validates; each key's "line" is its cell."""
    item, key_lines = LineMap(line=row * _CELL), {}
    labels = {label: key for key, label in config.amenities}
    location, location_line = LineMap(), 0
    for index, field in fields.items():
        raw = cells[index] if index < len(cells) else None
        text = _cell_text(raw)
        cell = row * _CELL + index + 1
        if field in ("lat", "lng"):
            location_line = location_line or cell
            if text == "":
                errors.append(SheetProblem(shown, row, column_letter(index), f"缺少{'纬度' if field == 'lat' else '经度'}"))
                continue
            try:
                location[field] = float(raw) if isinstance(raw, (int, float)) and not isinstance(raw, bool) else float(text)
            except ValueError:
                errors.append(SheetProblem(shown, row, column_letter(index), f"{'纬度' if field == 'lat' else '经度'}应为数字，这里是 {text!r}"))
                location[field] = text
            continue
        key_lines[field] = cell  # also when empty: "missing name" then names the name column
        if text == "":
            continue
        if looks_like_formula(text):
            # Published as is it would be a formula again in stations.csv's readers'
            # spreadsheets (the export neutralises it, but the editor should know).
            errors.append(
                SheetProblem(
                    shown,
                    row,
                    column_letter(index),
                    f"单元格 {text[:40]!r} 以 {text.lstrip()[0]!r} 开头，在 Excel/WPS 中会被当作公式执行（CSV 注入）。若是文字，请去掉开头的符号或在前面加上文字",
                )
            )
        if field == "amenities":
            item[field] = [labels.get(part, part) for part in _SPLIT.split(text) if part]
        elif field == "sample":
            if text.lower() not in _TRUE | _FALSE:
                errors.append(SheetProblem(shown, row, column_letter(index), f"示例一列应填“是”或“否”，这里是 {text!r}"))
            item[field] = text.lower() in _TRUE
        else:
            item[field] = text
    if len(location) == 2:
        item["location"] = location
    key_lines["location"] = location_line
    item.key_lines = key_lines
    return item


def _decode(problem: Problem, shown: str) -> SheetProblem:
    row, col = divmod(problem.line, _CELL)
    message = re.sub(re.escape(shown) + r":(\d+)", lambda m: f"{shown}:{int(m.group(1)) // _CELL}", problem.message)
    return SheetProblem(shown, row, column_letter(col - 1) if col else "", message, problem.severity)


def import_sheet(sheet: Path, root: Path, content: Path, config: SiteConfig, out: Path) -> tuple[str | None, list[SheetProblem], list[Problem]]:
    """Validate the sheet; return (YAML text or None, sheet problems, other problems)."""
    shown = display_path(sheet, root)
    rows, problems = read_sheet(sheet, shown)
    if problems:
        return None, problems, []
    if not any(_cell_text(c) for r in rows for c in r):
        return None, [SheetProblem(shown, 1, "", "表格是空的：第 1 行应为表头（编号、名称、区县、地址、纬度、经度、设施……）")], []
    columns = dict(config.finder.columns)
    fields: dict[int, str] = {}
    for index, header in enumerate(rows[0]):
        name = _cell_text(header)
        if not name:
            continue
        field = columns.get(name) or columns.get(name.lower())
        if not field:
            known = "、".join(dict.fromkeys(k for k in columns if not k.isascii()))
            problems.append(
                SheetProblem(
                    shown, 1, column_letter(index), f"不认识的列名 {name!r}。可用的列名：{known}（也可在 site.yaml 的 stations.columns 中添加）"
                )
            )
        elif field in fields.values():
            first = next(i for i, f in fields.items() if f == field)
            problems.append(SheetProblem(shown, 1, column_letter(index), f"列 {name!r} 与第 {column_letter(first)} 列都对应字段 {field}，请删掉一列"))
        else:
            fields[index] = field
    missing = [f for f in REQUIRED if f not in fields.values()]
    if missing:
        problems.append(SheetProblem(shown, 1, "", f"缺少必需的列：{'、'.join(missing)}"))
        return None, problems, []

    items = []
    for row_number, cells in enumerate(rows[1:], start=2):
        if any(_cell_text(c) for c in cells):
            items.append(_row_item(list(cells), row_number, fields, config, problems, shown))

    # Check with the stations already in content/ (except the file being replaced).
    loaded, load_problems = load_content(content, root) if content.is_dir() else (None, [])
    existing = tuple(sf for sf in (loaded.station_files if loaded else ()) if sf.path.resolve() != out.resolve())
    others = [p for p in load_problems if p.severity == "error"]
    _, found = validate_stations(existing + (StationFile(sheet, shown, tuple(items), 1),), config)
    said = {p.row for p in problems if p.column and "度" in p.message}
    for p in found:
        if p.path == shown:
            decoded = _decode(p, shown)
            if not (decoded.row in said and "location" in decoded.message):  # a lat/lng cell was already named
                problems.append(decoded)
        elif p.severity == "error":
            others.append(p)
    if any(p.severity == "error" for p in problems) or others:
        return None, problems, others
    return to_yaml(items, shown, fields), problems, []


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid YAML scalar


def to_yaml(items: list[LineMap], shown: str, fields: dict[int, str]) -> str:
    order = ("id", "name", "district", "address", "location", "amenities", "hours", "phone", "operator", "opened", "notes", "sample", "datum")
    lines = [f"{GENERATED}，来源：{shown}。", "# 改站点请改表格后重新导入；直接改这里，下次导入会被覆盖。", ""]
    for item in items:
        first = True
        for key in order:
            if key not in item:
                continue
            value = item[key]
            if key == "location":
                text = f"{{lat: {_scalar(value['lat'])}, lng: {_scalar(value['lng'])}}}"
            elif key == "amenities":
                text = "[" + ", ".join(value) + "]"
            else:
                text = _scalar(value)
            lines.append(f"{'- ' if first else '  '}{key}: {text}")
            first = False
        lines.append("")
    return "\n".join(lines)


def write_yaml(out: Path, text: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)


def may_replace(out: Path) -> bool:
    """Only a file this command made may be replaced without --force."""
    if not out.exists():
        return True
    with out.open(encoding="utf-8", errors="replace") as f:
        return f.readline().startswith(GENERATED)


def run_import(root: Path, content: Path, config: SiteConfig, sheet: Path, out: Path | None, force: bool, strict: bool, echo) -> int:
    """The command: 0 written, 1 problems (nothing written)."""
    # 驿站表.csv → content/stations/yi-zhan-biao.yaml: file names in content/ are pinyin, like URLs.
    out = out or content / "stations" / f"{sheet.stem if SLUG_RE.match(sheet.stem) else short_slug(sheet.stem)}.yaml"
    if not sheet.is_file():
        echo(f"{sheet}: 找不到文件")
        return 1
    text, problems, others = import_sheet(sheet, root, content, config, out)
    for p in sorted(problems, key=lambda p: (p.row, p.column, p.message)):
        echo(str(p))
    for p in sorted(others):
        echo(str(p))
    errors = sum(1 for p in problems if p.severity == "error" or strict) + len(others)
    if text is None or errors:
        echo(f"没有写入任何文件：{errors} 个问题需要先改好（{len(problems) - errors + len(others)} 个警告）。")
        return 1
    if not force and not may_replace(out):
        echo(f"{display_path(out, root)}: 已存在且不是由导入生成的，为免覆盖手写内容，没有写入。换一个 --out，或加 --force 覆盖")
        return 1
    write_yaml(out, text)
    count = text.count("\n- id: ")
    print(terminal_safe(f"已导入 {count} 个站点 → {display_path(out, root)}（{len(problems)} 个警告）"))
    return 0
