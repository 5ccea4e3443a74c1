"""Generate a synthetic fengchao corpus of a given size, for build timing.

    python -m bench.corpus OUT --articles 2000 --stations 600 --guides 40

Text is Chinese with the usual Markdown (headings, lists, tables, quotes,
links, images); the content is deterministic for a given seed. The output is a
content folder: build it with `fengchao build --content OUT/content --out ...`.
"""

from __future__ import annotations

import argparse
import random
from datetime import datetime, timedelta
from pathlib import Path

WORDS = (
    "快递 外卖 骑手 司机 驿站 温暖 服务 社区 网格 关爱 城市 小蜜蜂 休息 饮水 充电 微波炉 体检 健康 法律 心理 "
    "技能 培训 申请 补助 孩子 上学 报名 咨询 志愿 安全 交通 天气 高温 寒冷 夜班 配送 订单 平台 工会 党委"
).split()
TAGS = "快递小哥 外卖骑手 庆小驿 网格员 眼健康 希望工程 法律援助 心理关爱 技能培训 随手拍 暖蜂行动 关工委".split()
CATEGORIES = ("关爱行动", "健康服务", "基层治理", "通知公告")
DISTRICTS = ("萨尔图区", "龙凤区", "让胡路区", "红岗区", "大同区", "高新区", "经开区", "肇州县", "肇源县", "林甸县", "杜尔伯特蒙古族自治县")
AMENITIES = ("seating", "drinking_water", "microwave", "charging", "toilet", "heating", "cooling", "first_aid", "wifi", "umbrella")
TOPICS = ("补助申请", "健康服务", "驿站服务", "法律援助", "心理关爱", "技能提升", "参与治理")


def sentence(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))) + rng.choice("。。。！？")


def paragraph(rng: random.Random, n: int = 4) -> str:
    return "".join(sentence(rng) for _ in range(n))


def article_body(rng: random.Random, index: int, stations: int) -> str:
    """About 1,000 characters with the Markdown an editor really uses."""
    parts = [paragraph(rng), f"## {rng.choice(WORDS)}{rng.choice(WORDS)}进展", paragraph(rng)]
    parts.append("\n".join(f"- {sentence(rng)}" for _ in range(3)))
    parts.append(f"> {sentence(rng)}")
    parts.append(f"![{rng.choice(WORDS)}现场](/images/photo-{index % 4}.svg)")
    parts.append(
        f"### {rng.choice(WORDS)}情况\n\n| 项目 | 数量 |\n|---|---|\n| {rng.choice(WORDS)} | {rng.randint(1, 999)} |\n| {rng.choice(WORDS)} | {rng.randint(1, 999)} |"
    )
    if stations:
        parts.append(f"附近的[驿站](/stations/s-{rng.randrange(stations):04d}/)可以歇脚。{paragraph(rng, 2)}")
    if index > 0:
        parts.append(f"另见[上一篇报道](a-{index - 1:05d}.md)。")
    parts.append(paragraph(rng, 3))
    return "\n\n".join(parts) + "\n"


def write_corpus(out: Path, articles: int, stations: int, guides: int, seed: int = 1) -> Path:
    rng = random.Random(seed)
    content = out / "content"
    start = datetime(2020, 1, 1, 8, 0)
    # Every article dated before 2026, so all are published whatever the size.
    step = min(timedelta(hours=13), timedelta(days=6 * 365) / max(articles, 1))
    for i in range(articles):
        moment = (start + step * i).replace(second=0, microsecond=0)
        folder = content / "news" / str(moment.year)
        folder.mkdir(parents=True, exist_ok=True)
        tags = rng.sample(TAGS, rng.randint(1, 3))
        # Links between articles are by file: keep neighbours in one folder.
        body = article_body(rng, i if (start + step * (i - 1)).year == moment.year else 0, stations)
        (folder / f"a-{i:05d}.md").write_text(
            f"---\ntitle: {rng.choice(WORDS)}{rng.choice(WORDS)}：{sentence(rng)[:-1]}（{i}）\n"
            f"date: {moment:%Y-%m-%d %H:%M}\ntags: [{', '.join(tags)}]\ncategory: {rng.choice(CATEGORIES)}\n"
            f"source: 大庆日报\nauthor: 记者{rng.randint(1, 30)}\n---\n\n{body}",
            encoding="utf-8",
        )
    images = content / "images"
    images.mkdir(parents=True, exist_ok=True)
    for n in range(4):
        (images / f"photo-{n}.svg").write_text(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="48"><rect width="64" height="48" fill="#{n}a5a00"/></svg>\n',
            encoding="utf-8",
        )
    (content / "stations").mkdir(parents=True, exist_ok=True)
    lines = []
    for i in range(stations):
        lines.append(
            f"- id: s-{i:04d}\n  name: 庆小驿第{i}站\n  district: {DISTRICTS[i % len(DISTRICTS)]}\n  address: 测试路{i}号\n"
            f"  location: {{lat: {46.3 + rng.random() * 0.6:.5f}, lng: {124.6 + rng.random() * 0.7:.5f}}}\n"
            f"  amenities: [{', '.join(rng.sample(AMENITIES, rng.randint(2, 6)))}]\n  hours: 全天开放\n  sample: true\n"
        )
    (content / "stations" / "stations.yaml").write_text("\n".join(lines), encoding="utf-8")
    (content / "guides").mkdir(parents=True, exist_ok=True)
    for i in range(guides):
        station_list = f"stations: [s-{i % max(stations, 1):04d}]\n" if stations else ""
        (content / "guides" / f"g-{i:03d}.md").write_text(
            f"---\ntitle: 指南{i}：{sentence(rng)[:-1]}\ntopic: {TOPICS[i % len(TOPICS)]}\norder: {i}\n{station_list}"
            f"contacts:\n  - name: 市关工委\n---\n\n## 这是什么\n\n{paragraph(rng)}\n\n## 怎么办理\n\n{paragraph(rng)}\n",
            encoding="utf-8",
        )
    return content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--stations", type=int, default=624)
    parser.add_argument("--guides", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    content = write_corpus(args.out, args.articles, args.stations, args.guides, args.seed)
    print(content)


if __name__ == "__main__":
    main()
