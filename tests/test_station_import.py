"""`fengchao stations import`: a spreadsheet becomes station YAML, or every
problem is named by FILE:row:column and nothing is written."""

from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest

from pagecheck import page

GOOD_CSV = """\
编号,名称,区县,地址,纬度,经度,设施,开放时间,电话,示例
imp-1,导入一站,萨尔图区,"中央大街10号, 东门",46.61,125.02,休息座椅、饮用水,全天开放,0459-1111111,是
imp-2,"名称含""引号""与: 冒号",龙凤区,卧里屯路5号,46.56,125.13,"seating, microwave",08:00-20:00,,否
"""

BAD_CSV = """\
编号,名称,区县,地址,纬度,经度,设施,备用
imp-1,导入一站,萨尔图区,中央大街10号,125.02,46.61,休息座椅,
imp-2,,火星区,卧里屯路5号,abc,125.13,"seating, 烤箱",
test-1,重复,萨尔图区,某路,46.7,125.2,seating,
"""


def run_import(cli, site, *args):
    return cli("--root", site.root, "stations", "import", *[str(a) for a in args])


def test_csv_import_writes_yaml_that_builds(make_site, cli, build, tmp_path):
    site = make_site(
        {
            "stations/good.yaml": "- id: test-1\n  name: 已有\n  district: 萨尔图区\n  address: 路1号\n  location: {lat: 46.6, lng: 125.0}\n  amenities: [seating]\n"
        }
    )
    sheet = tmp_path / "驿站表.csv"
    sheet.write_text(GOOD_CSV, encoding="utf-8-sig")  # Excel's "CSV UTF-8" has a BOM
    result = run_import(cli, site, sheet)
    assert result.code == 0, result.err
    out = site.content / "stations/yi-zhan-biao.yaml"  # 驿站表.csv: a pinyin file name, as for URLs
    assert "已导入 2 个站点" in result.out and out.is_file()
    assert build(site).code == 0
    p = page(site, "stations/imp-2/index.html")
    assert '名称含"引号"与: 冒号' in p.text
    assert "微波炉" in p.text and "休息座椅" in p.text
    one = page(site, "stations/imp-1/index.html")
    assert "中央大街10号, 东门" in one.text and "tel:0459-1111111" in one.hrefs() and "示例" in one.text
    # Importing the same sheet again replaces the file it made.
    assert run_import(cli, site, sheet).code == 0


def test_bad_sheet_names_every_cell_and_writes_nothing(make_site, cli, tmp_path):
    site = make_site(
        {
            "stations/good.yaml": "- id: test-1\n  name: 已有\n  district: 萨尔图区\n  address: 路1号\n  location: {lat: 46.6, lng: 125.0}\n  amenities: [seating]\n"
        }
    )
    sheet = tmp_path / "bad.csv"
    sheet.write_text(BAD_CSV, encoding="utf-8")
    before = sorted(p.name for p in (site.content / "stations").iterdir())
    result = run_import(cli, site, sheet)
    assert result.code == 1
    lines = [ln for ln in result.err.splitlines() if ln.startswith(str(sheet))]
    where = [ln.removeprefix(f"{sheet}:").split(": ", 1)[0] for ln in lines]
    assert where == ["1:H", "2:E", "3:B", "3:C", "3:E", "3:G", "4:A"], lines
    text = "\n".join(lines)
    assert "不认识的列名 '备用'" in text
    assert "填反了" in lines[1]
    assert "火星区" in lines[3] and "abc" in lines[4] and "烤箱" in lines[5]
    assert "重复" in lines[6] and "content/stations/good.yaml:1" in lines[6]
    assert "没有写入任何文件" in result.err
    assert sorted(p.name for p in (site.content / "stations").iterdir()) == before


def test_xlsx_with_english_headers_and_excel_types(make_site, cli, tmp_path):
    site = make_site()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "name", "district", "address", "lat", "lng", "amenities", "phone", "opened"])
    sheet.append(["x-1", "表格站", "高新区", "高新路1号", 46.585, 125.155, "charging/toilet", 4596666666, datetime(2023, 6, 1)])
    sheet.append([None] * 9)  # an empty row in the middle is skipped
    sheet.append(["x-2", "表格二站", "高新区", "高新路2号", 46.59, 125.16, "wifi", None, None])
    path = tmp_path / "stations.xlsx"
    book.save(path)
    out = tmp_path / "x.yaml"
    result = run_import(cli, site, path, "--out", out)
    assert result.code == 0, result.err
    text = out.read_text(encoding="utf-8")
    assert 'phone: "4596666666"' in text and 'opened: "2023-06-01"' in text
    assert "amenities: [charging, toilet]" in text and "- id: \"x-2\"" in text


def test_xlsx_problem_names_the_cell(make_site, cli, tmp_path):
    site = make_site()
    book = openpyxl.Workbook()
    book.active.append(["编号", "名称", "区县", "地址", "纬度", "经度", "设施"])
    book.active.append(["y-1", "站", "高新区", "路", 46.585, None, "seating"])
    path = tmp_path / "s.xlsx"
    book.save(path)
    result = run_import(cli, site, path, "--out", tmp_path / "s.yaml")
    assert result.code == 1
    assert f"{path}:2:F: 缺少经度" in result.err
    assert not (tmp_path / "s.yaml").exists()


@pytest.mark.parametrize(
    "first_line, force, code",
    [("- id: hand-written\n", False, 1), ("- id: hand-written\n", True, 0), ("# 由 fengchao stations import 生成，来源：x\n", False, 0)],
)
def test_a_hand_written_file_is_not_replaced_without_force(make_site, cli, tmp_path, first_line, force, code):
    site = make_site()
    sheet = tmp_path / "s.csv"
    sheet.write_text(GOOD_CSV, encoding="utf-8")
    out = tmp_path / "s.yaml"
    out.write_text(first_line, encoding="utf-8")
    result = run_import(cli, site, sheet, "--out", out, *(["--force"] if force else []))
    assert result.code == code, result.err
    assert ("imp-1" in out.read_text(encoding="utf-8")) == (code == 0)
    if code:
        assert "--force" in result.err


def test_missing_columns_and_gbk_csv(make_site, cli, tmp_path):
    site = make_site()
    sheet = tmp_path / "s.csv"
    sheet.write_text("编号,名称,区县\nz-1,站,高新区\n", encoding="utf-8")
    result = run_import(cli, site, sheet)
    assert result.code == 1 and f"{sheet}:1:-: 缺少必需的列：address、lat、lng、amenities" in result.err
    sheet.write_bytes("编号,名称\n".encode() + b"\xff\xfe\xfd")  # neither UTF-8 nor GBK
    result = run_import(cli, site, sheet)
    assert result.code == 1 and "不是 UTF-8 编码" in result.err and "CSV UTF-8" in result.err
