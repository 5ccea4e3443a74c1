"""The fast paths give the same answers as the plain ones they replace."""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fengchao.content.stations import nearest, nearest_all
from fengchao.content.yaml_lines import LineMap, _fast_parse, _Loader, parse_yaml

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
_scalar = st.one_of(
    _text, st.integers(-(10**6), 10**6), st.booleans(), st.none(), st.sampled_from(["9:00", "08:30-20:00", "2024-08-19", "1.5e3", "0o17", "yes", "~"])
)
_key = st.text(st.sampled_from("abcdefgh_庆小驿"), min_size=1, max_size=6)
_value = st.recursive(_scalar, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_key, inner, max_size=4), max_leaves=12)


def _slow(text: str, first_line: int):
    loader = _Loader(text, first_line)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _lines(value):
    """Every mapping's line and key lines, depth first: what error messages are built from."""
    if isinstance(value, LineMap):
        yield value.line, tuple(sorted(value.key_lines.items()))
        for v in value.values():
            yield from _lines(v)
    elif isinstance(value, list):
        for v in value:
            yield from _lines(v)


@settings(max_examples=200, deadline=None)
@given(data=st.dictionaries(_key, _value, min_size=1, max_size=6), flow=st.booleans(), first_line=st.integers(1, 30))
def test_libyaml_path_builds_what_our_loader_builds(data, flow, first_line):
    text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow, sort_keys=False)
    assume("*" not in text)  # text with `*` always takes the slow path
    fast = _fast_parse(text, first_line)
    assert fast is not None
    slow = _slow(text, first_line)
    assert fast[0] == slow
    assert list(_lines(fast[0])) == list(_lines(slow))


def test_fast_path_steps_aside_for_aliases_duplicates_and_errors():
    assert _fast_parse("a: &x 1\nb: *x\n", 2) is None  # the alias bound is counted by our loader
    assert _fast_parse("a: 1\na: 2\n", 2) is None  # duplicate key: our loader words the message
    assert _fast_parse("a: [1, 2\nb: 3\n", 2) is None
    assert _fast_parse("[" * 5000 + "]" * 5000, 1) is None  # deep nesting never reaches the C stack
    value, problems = parse_yaml("title: 测试\ntitle: 又一个\n", "content/news/a.md", 2)
    assert value is None and problems[0].line == 3 and "写了两次" in problems[0].message


@dataclass(frozen=True)
class _Station:
    id: str


@settings(max_examples=60, deadline=None)
@given(points=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=1, max_size=60), count=st.integers(1, 4))
def test_nearest_all_equals_nearest_ties_included(points, count):
    # A coarse grid makes equal distances (ties, broken by id) common.
    stations = tuple(_Station(f"s-{i:02d}") for i in range(len(points)))
    positions = {s.id: (46.3 + y * 0.005, 124.6 + x * 0.005) for s, (x, y) in zip(stations, points)}
    fast = nearest_all(stations, positions, count)
    for s in stations:
        assert fast[s.id] == nearest(s, stations, positions, count)
