"""`fengchao import FILE`: a scraped article becomes a draft a person would accept."""

from __future__ import annotations

import frontmatter

from conftest import MINIMAL_STATION, SHARED

FIXTURE = SHARED / "fixtures" / "scraped-article.txt"
DRAFT = "news/2024/rang-cheng-shi-xiao-mi-feng-kuai-le-fei-xiang.md"


def test_import_scraped_fixture(make_site, cli):
    site = make_site({"stations/s.yaml": MINIMAL_STATION})
    result = cli("--root", site.root, "import", FIXTURE)
    assert result.code == 0, result.err
    path = site.content / DRAFT
    assert result.out.strip() == str(path)
    assert "1 行疑似垃圾推广" in result.err and "7 行相关新闻标题" in result.err and "6 行图片文件名" in result.err
    assert "2 处疑似乱码" in result.err

    post = frontmatter.loads(path.read_text(encoding="utf-8"))
    assert post["title"] == "让“城市小蜜蜂”快乐飞翔"
    assert str(post["date"]) == "2024-08-19"
    assert (post["source"], post["author"], post["editor"], post["draft"]) == ("大庆日报", "徐卫", "李红艳", True)

    paragraphs = post.content.split("\n\n")
    assert paragraphs[0].startswith("“感谢大庆市关工委和大庆市邮政管理局，让孩子能安心上学")
    assert paragraphs[-1].endswith("展示新经济业态青年风采。")
    assert "## “暖蜂行动”暖“新”更暖心" in paragraphs
    assert "## “快递小哥”“变身”基层治理“合伙人”" in paragraphs
    assert len(paragraphs) == 22
    for junk in ("一品楼", "品茶", "中国文明网", "分享到", "更多", "·", ".jpg", "聚焦大庆", "?/p>", "大庆日报社全媒体记者", "责任编辑"):
        assert junk not in post.content, junk
    # Mojibake stays (only the editor knows the original) but is marked, with the repair.
    assert "<!-- 乱码？可能原文：。”虽然过去一段时间了，但想起当初拿到“希望工程新助 -->?!彼淙还" in post.content
    assert "<!-- 乱码？可能原文：。”快递员小李说 -->?!笨斓菰毙±钏怠" in post.content

    # ...and the checker still reports exactly those two, nothing else.
    check = cli("--root", site.root, "check")
    assert check.code == 1
    lines = [line for line in check.err.splitlines() if line.startswith("content/")]
    assert [line.split(": ")[1] for line in lines] == ["mojibake", "mojibake"], check.err
    assert lines[0].startswith(f"content/{DRAFT}:13:")


def test_import_refuses_to_overwrite(make_site, cli):
    site = make_site()
    assert cli("--root", site.root, "import", FIXTURE).code == 0
    path = site.content / DRAFT
    path.write_text("编辑改过的稿子", encoding="utf-8")
    again = cli("--root", site.root, "import", FIXTURE)
    assert again.code == 2
    assert "已存在，没有覆盖" in again.err and str(path) in again.err
    assert path.read_text(encoding="utf-8") == "编辑改过的稿子"


def test_import_saved_gbk_html_page(make_site, cli, tmp_path):
    page = tmp_path / "page.html"
    html = """<html><head><title>网站名</title><style>p{}</style></head><body>
<div style="display: none"><a href="http://spam.example">澳门赌场 百家乐</a></div>
<div class="crumb">首页 &gt;&gt; 新闻</div>
<h1>驿站新增饮水设备</h1>
<div>发布时间：2024年9月2日 08:30 来源：大庆晚报</div>
<p>本报讯（记者 王芳）近日，高新区庆小驿新增饮水设备。</p>
<p>快递员纷纷点赞。</p>
<p><img src="a.jpg"></p>
<div>责任编辑：张 明</div>
<ul><li>·另一条新闻</li></ul>
</body></html>"""
    page.write_bytes(html.encode("gb18030"))
    site = make_site()
    result = cli("--root", site.root, "import", page)
    assert result.code == 0, result.err
    post = frontmatter.loads((site.content / "news/2024/yi-zhan-xin-zeng-yin-shui-she-bei.md").read_text(encoding="utf-8"))
    assert (post["title"], str(post["date"]), post["source"], post["editor"]) == ("驿站新增饮水设备", "2024-09-02 08:30", "大庆晚报", "张明")
    assert post["author"] == "王芳"  # from "本报讯（记者 王芳）", which stays in the text
    assert post.content == "本报讯（记者 王芳）近日，高新区庆小驿新增饮水设备。\n\n快递员纷纷点赞。"


def test_import_source_on_its_own_line(make_site, cli, tmp_path):
    text = tmp_path / "a.txt"
    text.write_text("首页 >> 新闻\n骑手驿站添新设备\n发布时间：2024-09-02\n来源：大庆晚报\n\n  近日，驿站新增饮水设备。\n", encoding="utf-8")
    site = make_site()
    assert cli("--root", site.root, "import", text).code == 0
    post = frontmatter.loads((site.content / "news/2024/qi-shou-yi-zhan-tian-xin-she-bei.md").read_text(encoding="utf-8"))
    assert (post["title"], str(post["date"]), post["source"]) == ("骑手驿站添新设备", "2024-09-02", "大庆晚报")
    assert post.content == "近日，驿站新增饮水设备。"
