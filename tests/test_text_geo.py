"""Unit tests: Chinese-aware text helpers and datum conversions."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fengchao import geo
from fengchao.site.news import term_slugs
from fengchao.text import SLUG_RE, count_chars, heading_anchor, pinyin_slug, plain_text, reading_minutes, summarise

# ---------------------------------------------------------------- slugs


@pytest.mark.parametrize(
    "name, slug",
    [
        ("快递小哥", "kuai-di-xiao-ge"),
        ("外卖骑手", "wai-mai-qi-shou"),
        ("5G快递", "5g-kuai-di"),
        ("App 2024 新版", "app-2024-xin-ban"),
        ("iPhone充电", "iphone-chong-dian"),
        ("Café 咖啡", "cafe-ka-fei"),
        ("“暖蜂行动”！", "nuan-feng-xing-dong"),
        ("重庆", "chong-qing"),  # polyphone read in context, not zhong-qing
    ],
)
def test_pinyin_slug(name, slug):
    assert pinyin_slug(name) == slug


def test_pinyin_slug_never_empty():
    assert SLUG_RE.match(pinyin_slug("！？……"))
    assert SLUG_RE.match(pinyin_slug(""))


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=0, max_size=20))
def test_pinyin_slug_is_always_a_valid_url_segment(name):
    assert SLUG_RE.match(pinyin_slug(name)), pinyin_slug(name)


def test_term_slugs_homophones_get_numbered():
    """期中 and 期终 are both qi-zhong: the second gets -2, whatever the input order."""
    forward = term_slugs(["期中", "期终"])
    backward = term_slugs(["期终", "期中", "期中"])
    assert forward == backward
    assert sorted(forward.values()) == ["qi-zhong", "qi-zhong-2"]
    assert forward["期中"] == "qi-zhong"  # stable: by name, not by first use
    assert term_slugs(["快递小哥"]) == {"快递小哥": "kuai-di-xiao-ge"}


def test_term_slugs_number_around_an_existing_suffix():
    slugs = term_slugs(["期中", "期终", "qi zhong 2"])
    assert len(set(slugs.values())) == 3
    assert all(re.fullmatch(r"qi-zhong(-\d+)?", s) for s in slugs.values())


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="期中终其重钟仲zhong-Q 2", min_size=1, max_size=6), max_size=12))
def test_term_slugs_are_unique_and_valid(names):
    slugs = term_slugs(names)
    assert set(slugs) == set(names)
    assert len(set(slugs.values())) == len(slugs)
    assert all(SLUG_RE.match(s) for s in slugs.values())


# ---------------------------------------------------------------- anchors


@pytest.mark.parametrize(
    "heading, anchor",
    [
        ("“暖蜂行动”暖心", "暖蜂行动暖心"),
        ("“暖蜂行动”暖“新”更暖心", "暖蜂行动暖新更暖心"),
        ("怎么申请？", "怎么申请"),
        ("Step 2: 报名", "step-2-报名"),
        ("第１步　准备材料", "第1步-准备材料"),  # full-width digit and space
        ("<em>A</em> &amp; B", "a-b"),
        ("？！", "section"),
    ],
)
def test_heading_anchor(heading, anchor):
    assert heading_anchor(heading) == anchor


def test_heading_anchor_has_no_url_breaking_characters():
    anchor = heading_anchor("问 #1 / “答” ? & 其他")
    assert not set(anchor) & set("#/?&\"“” ")


# ---------------------------------------------------------------- plain text and summaries


def test_plain_text_keeps_inline_runs_together():
    rendered = '<h2 id="x">标题</h2>\n<p>当天有<strong>107名</strong>快递员，见<a href="/g/">指南</a>。</p><ul><li>一</li><li>二</li></ul><p>a<br>b &amp; <em>c</em>d</p>'
    assert plain_text(rendered) == "标题 当天有107名快递员，见指南。 一 二 a b & cd"


SENTENCE = "快递员每天穿行在城市的大街小巷。"  # 16 characters


def test_summarise_short_text_is_whole():
    assert summarise("  一句话。 ", 120) == "一句话。"


def test_summarise_cuts_at_a_sentence_end():
    text = SENTENCE * 10
    summary = summarise(text, 40)
    assert summary == SENTENCE * 2  # 32 chars: the last sentence end within 40
    assert text.startswith(summary)


def test_summarise_spaceless_chinese_is_counted_by_character():
    text = "快递员每天穿行在城市的大街小巷像小蜜蜂一样" * 30  # no punctuation, no spaces
    summary = summarise(text, 50)
    assert summary.endswith("…")
    assert len(summary) <= 50
    assert text.startswith(summary[:-1])
    assert len(summary) >= 45


def test_summarise_ignores_a_sentence_end_too_early():
    text = "好。" + "快" * 200
    summary = summarise(text, 100)
    assert summary.endswith("…") and len(summary) <= 100 and len(summary) > 50


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="快递小哥蜂巢。！？，、 abcXYZ12", max_size=400), st.integers(min_value=2, max_value=200))
def test_summarise_never_exceeds_the_limit(text, limit):
    summary = summarise(text, limit)
    assert len(summary) <= limit
    assert text.strip().startswith(summary.removesuffix("…"))


# ---------------------------------------------------------------- reading time


@pytest.mark.parametrize(
    "text, minutes",
    [
        ("快" * 1200, 3),
        ("快" * 1201, 4),
        ("快" * 400, 1),
        ("快" * 401, 2),
        ("", 1),
        (" ".join(["word"] * 400), 2),
        ("快" * 400 + " " + " ".join(["word"] * 200), 2),
    ],
)
def test_reading_minutes(text, minutes):
    assert reading_minutes(text) == minutes


def test_reading_minutes_is_not_one_word_per_paragraph():
    """Pelican #2863 / Hugo #5443: 6000 characters without spaces is not 1 minute."""
    assert reading_minutes("快递小哥送件忙" * 1000) == math.ceil(7000 / 400)


def test_count_chars_counts_characters_and_words():
    assert count_chars("快递小哥") == 4
    assert count_chars("快递 App 和 5G 网络") == 2 + 1 + 1 + 1 + 2
    assert count_chars("，。！") == 0


# ---------------------------------------------------------------- geo

VECTORS = [
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),
]


@pytest.mark.parametrize("wgs, gcj", VECTORS)
def test_wgs84_to_gcj02_published_vectors(wgs, gcj):
    lat, lng = geo.wgs84_to_gcj02(*wgs)
    assert lat == pytest.approx(gcj[0], abs=1e-9)
    assert lng == pytest.approx(gcj[1], abs=1e-9)


@pytest.mark.parametrize("wgs, gcj", VECTORS)
def test_gcj02_to_wgs84_inverts_the_vectors(wgs, gcj):
    lat, lng = geo.gcj02_to_wgs84(*gcj)
    assert geo.distance_m(lat, lng, *wgs) < 0.01


china_lat = st.floats(min_value=18, max_value=53, allow_nan=False)
china_lng = st.floats(min_value=74, max_value=134, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(china_lat, china_lng)
def test_gcj02_round_trip_within_half_a_metre(lat, lng):
    g_lat, g_lng = geo.wgs84_to_gcj02(lat, lng)
    assert geo.distance_m(lat, lng, g_lat, g_lng) > 1  # the offset is real (tens to hundreds of metres)
    back = geo.gcj02_to_wgs84(g_lat, g_lng)
    assert geo.distance_m(lat, lng, *back) < 0.5
    again = geo.wgs84_to_gcj02(*geo.gcj02_to_wgs84(lat, lng))
    assert geo.distance_m(lat, lng, *again) < 0.5


@pytest.mark.parametrize("point", [(35.6812, 139.7671), (51.5074, -0.1278), (40.7128, -74.006), (-33.8688, 151.2093), (55.7558, 37.6173)])
def test_outside_china_is_identity(point):
    assert geo.out_of_china(*point)
    assert geo.wgs84_to_gcj02(*point) == point
    assert geo.gcj02_to_wgs84(*point) == point
    assert geo.convert(*point, "wgs84", "gcj02") == point


def test_inside_china_is_not_identity():
    assert not geo.out_of_china(46.59, 125.10)  # Daqing
    assert geo.wgs84_to_gcj02(46.59, 125.10) != (46.59, 125.10)


@settings(max_examples=200, deadline=None)
@given(china_lat, china_lng)
def test_bd09_round_trip(lat, lng):
    b_lat, b_lng = geo.gcj02_to_bd09(lat, lng)
    # Baidu's offset is a few hundred metres, roughly north-east.
    assert 0.002 < b_lat - lat < 0.01 and 0.002 < b_lng - lng < 0.012
    back = geo.bd09_to_gcj02(b_lat, b_lng)
    assert geo.distance_m(lat, lng, *back) < 0.5
    via_wgs = geo.convert(*geo.convert(lat, lng, "wgs84", "bd09"), "bd09", "wgs84")
    assert geo.distance_m(lat, lng, *via_wgs) < 1.0


def test_convert_composes_the_steps():
    lat, lng = 46.585, 125.155
    assert geo.convert(lat, lng, "gcj02", "gcj02") == (lat, lng)
    assert geo.convert(lat, lng, "wgs84", "bd09") == geo.gcj02_to_bd09(*geo.wgs84_to_gcj02(lat, lng))
    assert geo.convert(lat, lng, "bd09", "wgs84") == geo.gcj02_to_wgs84(*geo.bd09_to_gcj02(lat, lng))
    assert geo.convert(lat, lng, "gcj02", "wgs84") == geo.gcj02_to_wgs84(lat, lng)
    assert geo.convert(lat, lng, "bd09", "gcj02") == geo.bd09_to_gcj02(lat, lng)


def test_distance_m():
    assert geo.distance_m(46.0, 125.0, 46.0, 125.0) == 0
    one_degree = 2 * math.pi * geo.EARTH_RADIUS_M / 360
    assert geo.distance_m(46.0, 125.0, 47.0, 125.0) == pytest.approx(one_degree, rel=1e-9)
    # Beijing ↔ Shanghai, about 1068 km.
    assert geo.distance_m(39.9042, 116.4074, 31.2304, 121.4737) == pytest.approx(1_068_000, rel=0.01)
