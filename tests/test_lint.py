"""The content checker (`fengchao check`, also run by `build`): every rule
reports `path:line:col: rule-id: message` at the right place, stays quiet on
ordinary text, and obeys the `check:` section of site.yaml."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import imagefiles
import pytest

from conftest import FIXTURES, MINIMAL_STATION, REPO, SHARED

FINDING = re.compile(r"^(\S+?):(\d+):(\d+): ([a-z-]+): (.+)$")
HEAD = "---\ntitle: 测试新闻\ndate: 2024-08-19\n---\n"  # the body starts on line 5


def findings(err: str) -> list[tuple[str, int, int, str, str]]:
    found = []
    for line in err.splitlines():
        m = FINDING.match(line)
        if m:
            found.append((m.group(1), int(m.group(2)), int(m.group(3)), m.group(4), m.group(5)))
    return found


def check_body(make_site, cli, body: str, config: str | None = None, *, extra=None):
    files = {"news/a.md": HEAD + body, "stations/s.yaml": MINIMAL_STATION, **(extra or {})}
    site = make_site(files, config=config)
    result = cli("--root", site.root, "check")
    assert "Traceback" not in result.err and "内部错误" not in result.err, result.err
    return result, findings(result.err)


def one(make_site, cli, body, rule, line, col, *words, config=None, extra=None, code=1):
    result, found = check_body(make_site, cli, body, config, extra=extra)
    assert result.code == code, result.err
    assert [(f[0], f[1], f[2], f[3]) for f in found] == [("content/news/a.md", line, col, rule)], result.err
    for word in words:
        assert word in found[0][4], (word, found[0][4])
    return found[0][4]


# --- the acceptance example ------------------------------------------------


def test_scraped_fixture_gives_exactly_spam_two_mojibake_and_stray_markup(make_site, cli):
    """tests/fixtures/scraped-article.txt: the repository's own scraped page, with the defects of a real one."""
    fixture = (FIXTURES / "scraped-article.txt").read_text(encoding="utf-8")
    result, found = check_body(make_site, cli, fixture)
    assert result.code == 1
    where = [(f[1], f[2], f[3]) for f in found]
    # fixture line 1 → file line 5; line 7 → 11; line 17 → 21.
    assert where == [(5, 3, "spam-keyword"), (11, 17, "mojibake"), (11, 42, "stray-markup"), (21, 19, "mojibake"), (21, 44, "stray-markup")], (
        result.err
    )
    assert all(f[0] == "content/news/a.md" for f in found)
    assert "娱乐城" in found[0][4] and "一品楼" in found[0][4]
    assert "原文可能是「。”这是外卖骑手王师傅第一次走□庆小驿时说的话」" in found[1][4]
    assert "「</p>」" in found[2][4]
    assert "原文可能是「。”快递员小赵一边说」" in found[3][4]
    assert "「?/p>」" in found[4][4]
    assert "    |   “以前冬天只能在车上缩着等单" in result.err
    assert "失败：5 个错误，0 个警告。" in result.err


@pytest.mark.skipif(not (SHARED / "fixtures" / "scraped-article.txt").is_file(), reason="the shared scraped page is not beside this repository")
def test_shared_scraped_page_gives_exactly_spam_two_mojibake_and_stray_fragment(make_site, cli):
    fixture = (SHARED / "fixtures" / "scraped-article.txt").read_text(encoding="utf-8")
    result, found = check_body(make_site, cli, fixture)
    assert result.code == 1
    where = [(f[1], f[2], f[3]) for f in found]
    # fixture line 1 → file line 5; line 7 → 11; line 21 → 25.
    assert where == [(5, 8, "spam-keyword"), (11, 42, "mojibake"), (25, 51, "mojibake"), (25, 60, "stray-markup")], result.err
    assert all(f[0] == "content/news/a.md" for f in found)
    assert "一品楼" in found[0][4] and "凤楼" in found[0][4]
    assert "原文可能是「。”虽然过去一段时间了，但想起当初拿到“希望工程新助」" in found[1][4]
    assert "原文可能是「。”快递员小李说」" in found[2][4]
    assert "「?/p>」" in found[3][4]
    # Each finding quotes its line, so the editor sees it without opening the file.
    assert "    |   “感谢大庆市关工委" in result.err
    assert "失败：4 个错误，0 个警告。" in result.err


# --- mojibake --------------------------------------------------------------


@pytest.mark.parametrize(
    "body, col, words",
    [
        ("天气很好锟斤拷今天\n", 5, ("“锟斤拷”",)),
        ("天气很好\ufffd今天\n", 5, ("U+FFFD",)),
        ("第一段。\n\n天气\ue431很好\n", 1, ("私用区字符",)),
        ("我们一起ヒ参加活动\n", 1, ("日文假名",)),
        ("近日，鸬跄淙肫举行。\n", 4, ("罕见",)),
    ],
)
def test_mojibake_signals(make_site, cli, body, col, words):
    line = 5 + body.count("\n", 0, body.index(body.strip().split("\n")[-1]))
    one(make_site, cli, body, "mojibake", line, col, *words)


def test_mojibake_repair_from_gbk_shift(make_site, cli):
    message = one(make_site, cli, "他说：真好?!笨斓菰毙±钏怠\n", "mojibake", 5, 6, "快递员小李说")
    assert "原文可能是" in message


def test_mojibake_repair_of_utf8_read_as_gbk(make_site, cli):
    garbled = "请到高新区顺丰快递网点".encode().decode("gbk", errors="replace")  # 璇峰埌楂樻柊…
    message = one(make_site, cli, f"通知：{garbled}\n", "mojibake", 5, 4)
    assert "原文可能是「请到高新区顺丰快递网」" in message


def test_ordinary_chinese_with_rare_names_is_not_mojibake(make_site, cli):
    body = "让胡路区马葫芦盖没了，姚晶辉和郑新英赶到现场。日本“ありがとう”活动。\n"
    result, found = check_body(make_site, cli, body)
    assert result.code == 0 and found == [], result.err


# --- spam and hidden links -------------------------------------------------


def test_spam_keywords(make_site, cli):
    one(make_site, cli, "正文。\n今晚一品楼上门服务\n", "spam-keyword", 6, 3, "一品楼", "上门服务")


def test_weak_words_alone_are_not_spam(make_site, cli):
    result, found = check_body(make_site, cli, "骑手们在驿站品茶聊天。\n\n市里召开新就业群体发展论坛。\n")
    assert result.code == 0 and found == [], result.err


def test_spam_allow_words_and_extra_words(make_site, cli):
    config = (REPO / "site.yaml").read_text(encoding="utf-8") + "check:\n  allow_words: [一品楼]\n  spam_words: [某某娱乐城]\n"
    one(make_site, cli, "一品楼茶馆开业。\n欢迎光临某某娱乐城\n", "spam-keyword", 6, 5, "某某娱乐城", config=config)


@pytest.mark.parametrize(
    "html, label",
    [
        ('<div style="display:none"><a href="/">x</a></div>', "display:none"),
        ("<span style='visibility: hidden'>x</span>", "visibility:hidden"),
        ('<p>正文<font style="font-size:0px">x</font></p>', "font-size:0"),
        ('<div style="position:absolute;left:-9999px">x</div>', "移到屏幕之外"),
    ],
)
def test_hidden_content(make_site, cli, html, label):
    result, found = check_body(make_site, cli, "正文。\n\n" + html + "\n")
    hidden = [f for f in found if f[3] == "hidden-content"]
    col = html.index("<font") + 1 if "<font" in html else 1
    assert [(f[1], f[2]) for f in hidden] == [(7, col)], result.err
    assert label in hidden[0][4] and "暗链" in hidden[0][4]
    assert result.code == 1


def test_external_link_outside_allowlist_is_a_warning(make_site, cli):
    body = "见[通知](https://www.daqing.gov.cn/a.html)和[这里](http://spam.example.com/x)。\n"
    message = one(make_site, cli, body, "external-link", 5, body.index("[这里]") + 1, "spam.example.com", "allow_domains", code=0)
    assert message.startswith("警告：")


def test_allow_domains_from_site_yaml(make_site, cli):
    config = (REPO / "site.yaml").read_text(encoding="utf-8") + "check:\n  allow_domains: [example.com]\n"
    result, found = check_body(make_site, cli, "见 http://spam.example.com/x 。\n", config)
    assert result.code == 0 and found == [], result.err


# --- stray markup ----------------------------------------------------------


def test_stray_markup_in_text_but_not_in_code(make_site, cli):
    body = "第一段。</p>\n\n```html\n<p>代码</p>\n```\n\n用 `</p>` 结束段落。\n"
    one(make_site, cli, body, "stray-markup", 5, 5, "「</p>」")


def test_tag_that_lost_its_bracket(make_site, cli):
    one(make_site, cli, "小李说。?/p>\n", "stray-markup", 5, 5, "「?/p>」")


# --- personal data ---------------------------------------------------------


def test_resident_id_with_valid_checksum(make_site, cli):
    message = one(make_site, cli, "申请人身份证号 11010519491231002X 已登记。\n", "personal-id", 5, 9, "110105********002X")
    assert "不得公开" in message


def test_eighteen_digits_with_wrong_checksum_are_not_an_id(make_site, cli):
    result, found = check_body(make_site, cli, "编号 110105194912310021。\n")
    assert result.code == 0 and found == [], result.err


def test_mobile_number_in_body_but_not_in_contacts(make_site, cli):
    guide = "---\ntitle: 指南\ntopic: 补助申请\ncontacts:\n  - {name: 市关工委, phone: '13812345678'}\n---\n\n请咨询。\n"
    message = one(make_site, cli, "联系人：138-1234-5678。\n", "mobile-number", 5, 5, "138****5678", "contacts", extra={"guides/g.md": guide}, code=0)
    assert message.startswith("警告：")


# --- links and images ------------------------------------------------------

# broken-link and missing-image are off by default (the output link check
# reports the same links); a site that wants the source-level pass turns them on.
SOURCE_LINK_RULES = (REPO / "site.yaml").read_text(encoding="utf-8") + "check:\n  rules:\n    broken-link: error\n    missing-image: error\n"


def test_root_relative_link_to_nothing(make_site, cli):
    body = "去[驿站](/stations/test-1/)或[这里](/stations/nope/)。\n"
    one(make_site, cli, body, "broken-link", 5, body.index("[这里]") + 1, "'/stations/nope/'", "不存在", config=SOURCE_LINK_RULES)


def test_missing_image_and_image_without_alt(make_site, cli):
    body = "![](/images/a.png)\n\n![说明](/images/nope.png)\n"
    result, found = check_body(make_site, cli, body, SOURCE_LINK_RULES, extra={"images/a.png": imagefiles.plain_png(320, 200)})
    assert [(f[1], f[2], f[3]) for f in found] == [(5, 1, "image-alt"), (7, 1, "missing-image")], result.err
    assert "替代文字" in found[0][4] and "'/images/nope.png'" in found[1][4]
    assert result.code == 1


# --- staleness -------------------------------------------------------------

STALE_GUIDE = "---\ntitle: 指南\ntopic: 补助申请\nreviewed: 2024-01-01\n---\n\n正文。\n"


def test_stale_guide(make_site, cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime(2025, 3, 1, tzinfo=UTC).timestamp())))
    site = make_site({"guides/g.md": STALE_GUIDE, "stations/s.yaml": MINIMAL_STATION})
    result = cli("--root", site.root, "check")
    found = findings(result.err)
    assert [(f[0], f[1], f[2], f[3]) for f in found] == [("content/guides/g.md", 4, 1, "stale-guide")], result.err
    assert "2024-01-01" in found[0][4] and "425 天" in found[0][4] and "reviewed" in found[0][4]
    assert result.code == 0

    config = (REPO / "site.yaml").read_text(encoding="utf-8") + "check:\n  stale_days: 500\n"
    (site.root / "site.yaml").write_text(config, encoding="utf-8")
    assert findings(cli("--root", site.root, "check").err) == []


# --- configuration and build -----------------------------------------------


def test_rule_levels_from_site_yaml(make_site, cli):
    config = (REPO / "site.yaml").read_text(encoding="utf-8") + "check:\n  rules:\n    stray-markup: off\n    mobile-number: error\n"
    one(make_site, cli, "正文</p>，电话 13812345678\n", "mobile-number", 5, 11, config=config, code=1)


def test_bad_check_config_names_the_line(make_site, cli):
    config = (REPO / "site.yaml").read_text(encoding="utf-8")
    lines = config.count("\n")
    site = make_site({"news/a.md": HEAD + "正文\n"}, config=config + "check:\n  rules:\n    mojibake: maybe\n")
    result = cli("--root", site.root, "check")
    assert result.code == 1
    assert f"site.yaml:{lines + 3}: 规则 mojibake 的级别应为 off、warn 或 error" in result.err


def test_build_fails_on_error_findings_and_keeps_old_output(make_site, build):
    site = make_site({"news/a.md": HEAD + "正文。\n"})
    assert build(site).code == 0
    before = site.snapshot()
    site.write("news/a.md", HEAD + "正文。\n\n今晚一品楼\n")
    result = build(site)
    assert result.code == 1
    assert "content/news/a.md:7:3: spam-keyword:" in result.err
    assert site.snapshot() == before


# --- front matter and station fields ----------------------------------------


def test_title_and_station_notes_are_checked_but_not_the_phone_field(make_site, cli):
    article = "---\ntitle: 好消息</p>\ndate: 2024-08-19\n---\n正文。\n"
    station = MINIMAL_STATION + "  phone: '13812345678'\n  notes: |\n    站长说：有事打 13987654321。\n"
    site = make_site({"news/a.md": article, "stations/s.yaml": station})
    result = cli("--root", site.root, "check")
    found = [(f[0], f[1], f[2], f[3]) for f in findings(result.err)]
    assert found == [("content/news/a.md", 2, 11, "stray-markup"), ("content/stations/s.yaml", 9, 13, "mobile-number")], result.err
    assert result.code == 1


def test_common_hanzi_is_gb2312_level_one():
    from fengchao.check.mojibake import common_hanzi, gb2312_hanzi

    assert (len(common_hanzi()), len(gb2312_hanzi())) == (3755, 6763)
    assert "快" in common_hanzi() and "驿" not in common_hanzi() and "驿" in gb2312_hanzi()
