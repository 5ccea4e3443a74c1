"""The web editor's forms: one collection per kind of content, each field
with the rules `validate` and `stations` apply (site/admin.py writes them
into admin/config.yml). Labels and hints are in Chinese: editors read them."""

from __future__ import annotations

from dataclasses import dataclass

from fengchao.content.config import SiteConfig
from fengchao.text import SLUG_RE

MEDIA_FOLDER = "content/images"  # where uploads go; the image pipeline reads it, published as /images/
PUBLIC_FOLDER = "/images"  # root-relative: fengchao puts base_url's path in front
DATE_TIME = "YYYY-MM-DD HH:mm"  # what validate.parse_moment reads, in site.yaml's time zone
DATE = "YYYY-MM-DD"
SLUG_HINT = "只能用小写字母、数字和连字符（-），且以字母或数字开头"
# A margin around stations.bounds (WGS-84) for coordinates entered in GCJ-02
# or BD-09, which sit up to ~0.01° away: the form refuses only what is far off.
DATUM_MARGIN = 0.02


@dataclass(frozen=True)
class EditorInputs:
    """What the forms offer that is not in site.yaml: the records' vocabulary."""

    stations: tuple[tuple[str, str], ...] = ()  # (id, name), sorted by id
    categories: tuple[str, ...] = ()  # in use by any article, sorted
    reserved_pages: tuple[str, ...] = ()  # top-level names a page may not take


def slug_pattern(reserved: tuple[str, ...] = ()) -> list[str]:
    """Decap's [regex, message] for a slug: SLUG_RE, minus reserved names."""
    body = SLUG_RE.pattern.removeprefix("^")
    if reserved:
        body = f"(?!({'|'.join(sorted(reserved))})$){body}"
    hint = SLUG_HINT + (f"，不能是 {'、'.join(sorted(reserved))}" if reserved else "")
    return ["^" + body, hint]


def _slug_field(reserved: tuple[str, ...] = ()) -> dict:
    return {
        "name": "slug",
        "label": "网址",
        "widget": "string",
        "required": False,
        "pattern": slug_pattern(reserved),
        "hint": "留空时按文件名自动生成拼音网址。填写时" + SLUG_HINT,
    }


def _choice(name: str, label: str, options: list[dict], *, multiple: bool = False, required: bool = True, hint: str = "") -> dict:
    field = {"name": name, "label": label, "widget": "select", "options": options, "required": required}
    if multiple:
        field["multiple"] = True
    if hint:
        field["hint"] = hint
    return field


def _moment(name: str, label: str, *, required: bool = False, time: bool = True) -> dict:
    field = {
        "name": name,
        "label": label,
        "widget": "datetime",
        "required": required,
        "format": DATE_TIME if time else DATE,
        "date_format": DATE,
        "time_format": "HH:mm" if time else False,
    }
    if not required:
        field["default"] = ""
    return field


def _text(name: str, label: str, *, required: bool = False, widget: str = "string", hint: str = "") -> dict:
    field = {"name": name, "label": label, "widget": widget, "required": required}
    if hint:
        field["hint"] = hint
    return field


def _body() -> dict:
    return {"name": "body", "label": "正文", "widget": "markdown", "required": False, "hint": "插入图片时请写图片说明（替代文字），方便读屏软件用户"}


def news_fields(inputs: EditorInputs) -> list[dict]:
    category = (
        _choice("category", "分类", [{"label": c, "value": c} for c in inputs.categories], required=False)
        if inputs.categories
        else _text("category", "分类")
    )
    return [
        _text("title", "标题", required=True),
        _moment("date", "发布时间", required=True) | {"default": "{{now}}"},
        _slug_field(("archive", "page")),
        _text("summary", "摘要", widget="text", hint="留空时自动取正文开头"),
        category,
        {
            "name": "tags",
            "label": "标签",
            "widget": "list",
            "required": False,
            "field": {"name": "tag", "label": "标签", "widget": "string"},
            "hint": "每个标签单独添加一项",
        },
        {"name": "image", "label": "封面图片", "widget": "image", "required": False, "choose_url": False},
        _text("image_alt", "封面图片说明", hint="有封面图片时必填：描述图片内容，方便读屏软件用户"),
        _text("source", "来源", hint="例如 大庆日报"),
        _text("source_url", "原文网址", hint="以 https:// 或 http:// 开头")
        | {"pattern": ["^https?://\\S+$", "请填写以 https:// 或 http:// 开头的完整网址"]},
        _text("author", "作者"),
        _text("editor", "编辑"),
        _moment("updated", "更新时间"),
        _moment("expires", "下线时间") | {"hint": "到这个时间以后不再发布（可不填）"},
        _body(),
    ]


def guide_fields(site: SiteConfig, inputs: EditorInputs) -> list[dict]:
    topics = [{"label": f"{name}：{about}" if about else name, "value": name} for name, about in site.topics]
    stations = (
        _choice(
            "stations",
            "相关驿站",
            [{"label": f"{name}（{sid}）", "value": sid} for sid, name in inputs.stations],
            multiple=True,
            required=False,
            hint="在指南里列为“去哪里办”",
        )
        if inputs.stations
        else None
    )
    contact = [_text("name", "单位或联系人", required=True), _text("phone", "电话"), _text("address", "地址"), _text("hours", "办公时间")]
    fields = [
        _text("title", "标题", required=True),
        _choice("topic", "主题", topics),
        _slug_field(),
        _text("summary", "摘要", widget="text"),
        {
            "name": "order",
            "label": "排序",
            "widget": "number",
            "value_type": "int",
            "default": 0,
            "required": True,
            "hint": "同一主题内数字小的排在前面",
        },
        _moment("updated", "更新日期", time=False),
        _moment("reviewed", "核对日期", time=False),
        _text("audience", "适用人群"),
        stations,
        {"name": "contacts", "label": "联系方式", "widget": "list", "required": False, "fields": contact},
        _body(),
    ]
    return [f for f in fields if f is not None]


def page_fields(inputs: EditorInputs) -> list[dict]:
    return [_text("title", "标题", required=True), _slug_field(inputs.reserved_pages), _text("summary", "摘要", widget="text"), _body()]


def _coordinate(name: str, label: str, low: float, high: float) -> dict:
    return {"name": name, "label": label, "widget": "number", "value_type": "float", "required": True, "min": low, "max": high, "step": 0.000001}


def location_field(site: SiteConfig) -> dict:
    """lat/lng ranges from stations.bounds (plus the datum margin), else the globe.
    Without bounds 0,0 is still in range; validate reports it."""
    b = site.finder.bounds
    lat = (round(b.south - DATUM_MARGIN, 4), round(b.north + DATUM_MARGIN, 4)) if b else (-90.0, 90.0)
    lng = (round(b.west - DATUM_MARGIN, 4), round(b.east + DATUM_MARGIN, 4)) if b else (-180.0, 180.0)
    return {
        "name": "location",
        "label": "位置坐标",
        "widget": "object",
        "required": True,
        "hint": f"在高德、腾讯地图上取点得到的坐标（{site.datum.upper()}）；纬度约 {lat[0]}–{lat[1]}，经度约 {lng[0]}–{lng[1]}",
        "fields": [_coordinate("lat", "纬度 lat", *lat), _coordinate("lng", "经度 lng", *lng)],
    }


def station_fields(site: SiteConfig) -> list[dict]:
    photo = [{"name": "src", "label": "照片", "widget": "image", "choose_url": False}, _text("alt", "照片说明", required=True)]
    return [
        _text("name", "站点名称", required=True),
        _text("id", "站点编号", required=True, hint="网址的一部分，例如 sartu-wanda。" + SLUG_HINT) | {"pattern": slug_pattern()},
        _choice("district", "所属区县", [{"label": d, "value": d} for d in site.districts]),
        _text("address", "详细地址", required=True),
        location_field(site),
        _choice("amenities", "设施", [{"label": label, "value": key} for key, label in site.amenities], multiple=True, hint="可以多选"),
        _text("hours", "开放时间", hint="例如 全天开放、08:00-20:00"),
        _text("phone", "联系电话"),
        _text("operator", "运营单位"),
        _moment("opened", "启用日期", time=False),
        _text("notes", "说明", widget="markdown"),
        {"name": "photos", "label": "照片", "widget": "list", "required": False, "fields": photo},
        # Marks a station made here as real data, and is what the collection's
        # filter matches: station files holding a YAML list are not shown,
        # since saving a form over one would replace the whole list.
        {"name": "sample", "widget": "hidden", "default": False},
    ]


def collections(site: SiteConfig, inputs: EditorInputs) -> list[dict]:
    markdown = {"create": True, "extension": "md", "format": "frontmatter"}
    return [
        # `path` (a folder per year) would make Decap keep uploads beside the
        # entry; the repository-absolute folders keep them in content/images/.
        {
            "name": "news",
            "label": "新闻",
            "label_singular": "新闻",
            "folder": "content/news",
            "path": "{{year}}/{{slug}}",
            "media_folder": "/" + MEDIA_FOLDER,
            "public_folder": PUBLIC_FOLDER,
            "summary": "{{title}}",
            "sortable_fields": ["date", "title"],
            "fields": news_fields(inputs),
            **markdown,
        },
        {
            "name": "guides",
            "label": "服务指南",
            "label_singular": "指南",
            "folder": "content/guides",
            "summary": "{{topic}} · {{title}}",
            "fields": guide_fields(site, inputs),
            **markdown,
        },
        {"name": "pages", "label": "页面", "label_singular": "页面", "folder": "content/pages", "fields": page_fields(inputs), **markdown},
        {
            "name": "stations",
            "label": "驿站",
            "label_singular": "驿站",
            "folder": "content/stations",
            "extension": "yaml",
            "format": "yaml",
            "create": True,
            "identifier_field": "name",
            "slug": "{{fields.id}}",
            "summary": "{{name}}（{{district}}）",
            "filter": {"field": "sample", "value": False},
            "description": "这里只列出在网页编辑器里添加的驿站；用表格导入的驿站请继续在表格里维护",
            "fields": station_fields(site),
        },
    ]
