"""The content checker's settings: the `check:` section of site.yaml.

```yaml
check:
  rules: {mobile-number: error, stale-guide: off}   # off, warn or error
  stale_days: 365
  allow_domains: [example.org]     # external links allowed besides the defaults
  spam_words: [某某娱乐]            # added to the built-in list
  allow_words: [品茶会]             # words (or phrases) never reported as spam
```

Every rule has a default level chosen so that the demo site passes and what
would get a government site failed on inspection (spam, hidden links, ID
numbers, mojibake) is an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fengchao.content.load import LineMap, parse_yaml, read_text
from fengchao.problems import Problem, display_path

LEVELS = ("off", "warn", "error")

DEFAULT_LEVELS = {
    "mojibake": "error",
    "spam-keyword": "error",
    "hidden-content": "error",
    "external-link": "warn",
    "stray-markup": "error",
    "personal-id": "error",
    "mobile-number": "warn",
    "invisible-character": "warn",
    # Off by default: the output link check (check/output_links.py) already fails a
    # build on every link and image that resolves to nothing, with the same
    # source line; these remain for sites that want the earlier, source-only pass.
    "broken-link": "off",
    "missing-image": "off",
    "image-alt": "warn",
    "stale-guide": "warn",
}

# Words that on their own only appear in SEO spam for escort services,
# gambling and porn (the injected first lines of scraped pages).
SPAM_STRONG = (
    "一品楼",
    "凤楼",
    "楼凤",
    "风楼阁",
    "品凤",
    "外围女",
    "外围模特",
    "上门服务",
    "同城约",
    "约炮",
    "援交",
    "包夜",
    "全套服务",
    "小姐上门",
    "桑拿会所",
    "丝袜会所",
    "成人视频",
    "色情",
    "黄色网站",
    "av在线",
    "无码视频",
    "百家乐",
    "澳门赌场",
    "网上赌场",
    "真人娱乐",
    "博彩",
    "时时彩",
    "六合彩",
    "赌球",
    "老虎机",
    "棋牌游戏下载",
    "娱乐城",
    "彩票平台",
    "体育投注",
    "代孕",
    "办证刻章",
    "代开发票",
)
# Ordinary words that spam lines are made of: reported only when two of
# them, or one with a strong word, meet on one line ("品茶" alone is tea).
SPAM_WEAK = ("品茶", "论坛", "官网", "下载", "信息共享平台", "会所", "按摩", "足浴", "同城", "外围", "夜场", "娱乐")

# External sites a government program hub links to as a matter of course.
DEFAULT_DOMAINS = (
    "gov.cn",
    "people.com.cn",
    "xinhuanet.com",
    "news.cn",
    "cctv.com",
    "cctv.cn",
    "wenming.cn",
    "cyol.com",
    "chinapost.com.cn",
    "12348.gov.cn",
)


@dataclass(frozen=True)
class CheckConfig:
    levels: dict = field(default_factory=lambda: dict(DEFAULT_LEVELS))
    stale_days: int = 365
    allow_domains: tuple[str, ...] = DEFAULT_DOMAINS
    spam_strong: tuple[str, ...] = SPAM_STRONG
    spam_weak: tuple[str, ...] = SPAM_WEAK
    allow_words: tuple[str, ...] = ()

    def level(self, rule: str) -> str:
        return self.levels.get(rule, "off")


def load_check_config(root: Path, own_host: str = "") -> tuple[CheckConfig, list[Problem]]:
    """Read `check:` from site.yaml (config.py has already reported syntax errors)."""
    path = root / "site.yaml"
    shown = display_path(path, root)
    text, problem = read_text(path, shown)
    data, problems = (None, []) if problem else parse_yaml(text, shown, 1)
    domains = DEFAULT_DOMAINS + ((own_host,) if own_host else ())
    if problem or problems or not isinstance(data, LineMap) or "check" not in data:
        return CheckConfig(allow_domains=domains), []
    section = data["check"]
    if not isinstance(section, LineMap):
        return CheckConfig(allow_domains=domains), [Problem(shown, data.line_of("check"), "check 应该是映射（键: 值）")]
    problems = []
    known = ("rules", "stale_days", "allow_domains", "spam_words", "allow_words")
    for key in section:
        if key not in known:
            problems.append(Problem(shown, section.line_of(key), f"check 下没有 {key!r} 这一项（可用：{'、'.join(known)}）", "warning"))

    levels = dict(DEFAULT_LEVELS)
    rules = section.get("rules", LineMap())
    if not isinstance(rules, LineMap):
        problems.append(Problem(shown, section.line_of("rules"), "check.rules 应为“规则: off/warn/error”映射"))
        rules = LineMap()
    for rule, level in rules.items():
        level = "off" if level is False else str(level).lower()
        if rule not in DEFAULT_LEVELS:
            problems.append(Problem(shown, rules.line_of(rule), f"没有名为 {rule!r} 的检查规则（可用：{'、'.join(DEFAULT_LEVELS)}）"))
        elif level not in LEVELS:
            problems.append(Problem(shown, rules.line_of(rule), f"规则 {rule} 的级别应为 off、warn 或 error，而不是 {level!r}"))
        else:
            levels[rule] = level

    def words(key: str) -> tuple[str, ...]:
        value = section.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            problems.append(
                Problem(shown, section.line_of(key), f"check.{key} 应为文字列表，例如 [{key == 'allow_domains' and 'example.org' or '某词'}]")
            )
            return ()
        return tuple(v.strip() for v in value)

    stale_days = section.get("stale_days", 365)
    if not isinstance(stale_days, int) or isinstance(stale_days, bool) or stale_days < 1:
        problems.append(Problem(shown, section.line_of("stale_days"), "check.stale_days 应为正整数（天数）"))
        stale_days = 365
    config = CheckConfig(
        levels=levels,
        stale_days=stale_days,
        allow_domains=domains + tuple(d.lower().lstrip(".") for d in words("allow_domains")),
        spam_strong=SPAM_STRONG + words("spam_words"),
        allow_words=words("allow_words"),
    )
    return config, problems
