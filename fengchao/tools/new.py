"""`fengchao new news|guide|station "标题"`: a new file with the front matter
filled in. It never overwrites: an existing file is an error."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import frontmatter
import yaml

from fengchao.content.config import load_config
from fengchao.problems import BuildFailed, UsageError
from fengchao.text import short_slug


def new_file(project, kind: str, title: str) -> Path:
    config, problems = load_config(project.root / "site.yaml", project.root)
    if config is None:
        raise BuildFailed(problems)
    title = title.strip()
    if not title:
        raise UsageError("标题不能为空")
    slug = short_slug(title)
    now = datetime.now(config.tz).replace(second=0, microsecond=0)
    if kind == "news":
        path = project.content / "news" / str(now.year) / f"{slug}.md"
        meta = {
            "title": title,
            "date": now.strftime("%Y-%m-%d %H:%M"),
            "summary": "",
            "tags": [],
            "category": "",
            "source": "",
            "author": "",
            "editor": "",
            "draft": True,
        }
        text = frontmatter.dumps(frontmatter.Post("在这里写正文。\n", **meta), sort_keys=False)
    elif kind == "guide":
        path = project.content / "guides" / f"{slug}.md"
        meta = {
            "title": title,
            "topic": config.topics[0][0],
            "summary": "",
            "order": 0,
            "updated": now.strftime("%Y-%m-%d"),
            "reviewed": now.strftime("%Y-%m-%d"),
            "audience": "",
            "stations": [],
            "contacts": [],
            "draft": True,
        }
        body = "## 这是什么\n\n\n## 谁可以参加\n\n\n## 怎么办理\n\n"
        text = frontmatter.dumps(frontmatter.Post(body, **meta), sort_keys=False)
    elif kind == "station":
        path = project.content / "stations" / f"{slug}.yaml"
        record = {
            "id": slug,
            "name": title,
            "district": district_in(title, config.districts),
            "address": "",
            "location": {"lat": 0.0, "lng": 0.0},
            "amenities": [key for key, _ in config.amenities[:2]],
            "hours": "",
            "phone": "",
            "operator": "",
        }
        text = "# 请填写 address 和 location（坐标系见 site.yaml 的 stations.datum），再删掉不需要的字段。\n"
        if not record["district"]:
            text += f"# 站点名称里没有区县名：请填写 district，可选：{'、'.join(config.districts)}\n"
        text += yaml.safe_dump([record], allow_unicode=True, sort_keys=False)
    else:
        raise UsageError(f"未知类型 {kind}：可选 news、guide、station")
    if path.exists():
        raise UsageError(f"{path} 已存在，没有覆盖。请换一个标题，或直接编辑这个文件")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(text.rstrip("\n") + "\n")
    return path


def district_in(name: str, districts: tuple[str, ...]) -> str:
    """The district a station's name names (让胡路区万达… → 让胡路区; 让胡路万达… too),
    else "" for the editor to fill in: guessing the first district would be
    wrong for most stations, and silently."""
    found = [d for d in districts if d in name or (len(d) > 2 and d[-1] in "区县" and d[:-1] in name)]
    return max(found, key=len, default="")
