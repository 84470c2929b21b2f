"""The data model of the catalogue, declared once.

Every collection of ``data/pilots.yaml`` is a pydantic model here. The JSON Schema
(``scripts/kb schema``) and the data dictionary page are generated from these classes,
so a field is documented by its ``description``.
"""

from __future__ import annotations

import datetime as _dt
import re
from enum import Enum, StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator

# --- value types -------------------------------------------------------------------

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def validate_partial_date(value: Any) -> Any:
    """Accept ``2017``, ``2017-04`` and ``2017-04-15``, kept as written."""
    if isinstance(value, bool):
        raise ValueError("应为日期（2017、2017-04 或 2017-04-15）")
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, _dt.date):
        value = value.isoformat()
    if not isinstance(value, str):
        raise ValueError("应为日期（2017、2017-04 或 2017-04-15）")
    m = DATE_RE.match(value)
    if not m:
        raise ValueError(f"日期“{value}”格式不对；允许：2017、2017-04 或 2017-04-15")
    year, month, day = m.groups()
    try:
        _dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise ValueError(f"日期“{value}”不存在；允许：真实存在的年、月、日") from None
    return value


RESERVED_IDS = frozenset({"index", "page", "all"})


def validate_slug(value: Any) -> Any:
    """A record id: lowercase letters, digits and hyphens, not a reserved page name."""
    if isinstance(value, str) and not SLUG_RE.match(value):
        raise ValueError(f"编号“{value}”不合规；允许：小写英文字母、数字和连字符，如 linzi-river-chief")
    if value in RESERVED_IDS:
        raise ValueError(f"编号“{value}”是网站保留字；允许：除 {'、'.join(sorted(RESERVED_IDS))} 以外的编号")
    return value


def _str_list(value: Any) -> Any:
    """A single string where a list is expected is taken as a one-item list."""
    if isinstance(value, str):
        return [value]
    return value


def _http_url(value: Any) -> Any:
    if isinstance(value, str) and not re.match(r"^https?://[^\s<>\"']+$", value):
        raise ValueError(f"链接“{value}”无效；允许：以 http:// 或 https:// 开头、不含空格的网址")
    return value


Url = Annotated[
    str,
    BeforeValidator(_http_url),
    Field(description="网址（http:// 或 https://）", json_schema_extra={"pattern": "^https?://"}),
]

_DATE_DOC = "日期，按来源原样填写：年（2017）、年月（2017-04）或年月日（2017-04-15）"
PartialDate = Annotated[
    str,
    BeforeValidator(validate_partial_date),
    # YAML editors see what YAML allows: a bare year is an integer there
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": DATE_RE.pattern},
                {"type": "integer", "minimum": 1000, "maximum": 9999},
            ],
            "description": _DATE_DOC,
        }
    ),
    Field(description=_DATE_DOC),
]
Slug = Annotated[
    str,
    BeforeValidator(validate_slug),
    Field(
        description="稳定编号，也是网址的一部分；小写英文字母、数字、连字符，发布后不再更改、不再复用",
        json_schema_extra={"pattern": SLUG_RE.pattern},
    ),
]
Ref = Annotated[str, Field(description="引用另一条记录的编号")]
_QUOTE_DOC = "所依据的来源原文句子（逐字摘录，可为一句或多句）"
Quotes = Annotated[
    list[str],
    BeforeValidator(_str_list),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "minLength": 1},
                {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
            ],
            "description": _QUOTE_DOC,
        }
    ),
    Field(min_length=1, description=_QUOTE_DOC),
]
Text = Annotated[str, Field(min_length=1)]
Period = Annotated[
    str | None,
    Field(description="时间，按原文写法，如“今年4月份”“2016年以来”（原文没有确切日期时填写）"),
]


class Level(StrEnum):
    national = "国家级"
    provincial = "省级"
    municipal = "市级"


class Domain(StrEnum):
    economy = "经济体制"
    ecology = "生态文明"
    livelihood = "社会民生"
    law = "民主法制"
    party = "党建纪检"
    culture = "文化"


class Status(StrEnum):
    seeking = "争取中"
    ongoing = "推进中"
    closed = "已完成销号"
    cleared = "已清理"


class AreaKind(StrEnum):
    city = "市"
    district = "区"
    county = "县"
    zone = "功能区"


class SourceKind(StrEnum):
    report = "报告"
    news = "新闻"
    document = "文件"
    other = "其他"


class OriginalType(StrEnum):
    """The formats whose original a source keeps beside its text (``kb source add``)."""

    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    pdf = "application/pdf"
    html = "text/html"


Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class InstrumentKind(StrEnum):
    law = "法律修订"
    judicial = "司法解释"
    central_document = "中央文件"
    typical_case = "全国典型案例"
    regulation = "制度修订"
    endorsement = "肯定推广"
    report_up = "经验上报"
    pilot_upgrade = "上升为试点"
    training = "培训"
    speech = "典型发言"
    media = "媒体报道"
    other = "其他"


class AdopterLevel(StrEnum):
    """The level of the body that adopted or promoted an experience, highest first."""

    central = "中央"  # 党中央及中央部门、全国人大、最高法院、最高检察院
    ministry = "国家部委"  # 国务院部委及直属机构
    provincial = "省级"
    municipal = "市级"


class EventKind(StrEnum):
    onsite = "现场会"
    symposium = "经验座谈会"
    promotion = "推广推介会"
    speech = "典型发言"
    visit = "考察学习"
    training = "培训班"
    meeting = "工作会议"
    forum = "论坛"
    ceremony = "启动授牌"
    briefing = "汇报对接"
    activity = "活动"
    other = "其他"


# --- records -----------------------------------------------------------------------


# The longest text one field may hold (the longest real one is 296 characters): a guard against
# a pasted document or a runaway value, documented in the editing guide and the JSON Schema.
MAX_TEXT_CHARS = 5000


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", use_enum_values=False, frozen=False, str_max_length=MAX_TEXT_CHARS
    )


class Cited(_Model):
    """Anything that rests on a sentence of a source."""

    source: Ref = Field(description="来源编号（sources 中的 id）")
    quote: Quotes


class Record(Cited):
    id: Slug


class Source(_Model):
    id: Slug
    title: Text = Field(description="标题（原文标题，逐字）")
    publisher: str | None = Field(None, description="发布机构")
    date: PartialDate | None = Field(None, description="发布日期")
    kind: SourceKind = Field(description="类型")
    link: Url | None = Field(None, description="原文链接（已知时）")
    file: str | None = Field(
        None, description="原文文本文件，相对于 data/ 目录；用于核对每条 quote 是否逐字出现"
    )
    original: str | None = Field(
        None,
        description="原件（Word 文档、PDF 或网页），相对于 data/ 目录；原文文本由它提取，原件逐字节保存，"
        "网站上提供下载",
    )
    original_type: OriginalType | None = Field(None, description="原件的媒体类型")
    original_size: int | None = Field(None, ge=1, description="原件的字节数")
    original_sha256: Sha256 | None = Field(None, description="原件的 SHA-256 校验值（十六进制小写）")
    text_unpublished: Text | None = Field(
        None,
        description="原文全文不在网站公开的原因（如许可或版权限制）；填写后来源页只显示各条记录引用的原文，"
        "开放数据不附全文",
    )
    note: str | None = Field(None, description="说明")


class Area(Record):
    name: Text = Field(description="地区名称")
    kind: AreaKind = Field(description="类别")
    parent: Ref | None = Field(None, description="上级地区编号")


class Metric(Cited):
    """A reported figure: its value exactly as written, and a number only where given."""

    name: Text = Field(description="指标名称")
    value: Text = Field(description="数值，按原文写法，如“4.48亿元”“840余次”“近2500万元”")
    number: float | None = Field(
        None, description="可计算的数值（仅当原文给出确切数字时填写；“余”“近”等约数不填）"
    )
    unit: str | None = Field(None, description="单位")
    as_of: PartialDate | None = Field(None, description="数据时点")
    compare: str | None = Field(None, description="比较基准，如“同比”“比2014年”")


class Update(Cited):
    date: PartialDate | None = Field(None, description="进展日期")
    period: Period = None
    text: Text = Field(description="进展内容")


class Pilot(Record):
    name: Text = Field(description="试点名称")
    level: Level | None = Field(None, description="层级；原文未说明时留空")
    domains: list[Domain] = Field(default_factory=list, description="领域（可多项）")
    areas: list[Ref] = Field(default_factory=list, description="实施地区编号（areas）")
    lead_units: list[str] = Field(default_factory=list, description="牵头单位")
    participating_units: list[str] = Field(default_factory=list, description="参与单位")
    approving_body: str | None = Field(None, description="批准（部署）机关")
    approved: PartialDate | None = Field(None, description="批准年份或日期")
    deadline: PartialDate | None = Field(None, description="完成时限")
    goals: str | None = Field(None, description="任务目标")
    outcome_form: str | None = Field(None, description="成果形式")
    status: Status | None = Field(None, description="状态；原文未说明时留空")
    summary: str | None = Field(None, description="概述（依据原文）")
    metrics: list[Metric] = Field(default_factory=list, description="关键指标")
    updates: list[Update] = Field(default_factory=list, description="进展（带日期）")
    experiences: list[Ref] = Field(default_factory=list, description="形成的经验编号")
    coverage: list[Ref] = Field(default_factory=list, description="相关媒体报道编号")
    events: list[Ref] = Field(default_factory=list, description="相关活动编号")


class Adoption(Cited):
    """One step of an experience's adoption chain."""

    body: Text = Field(description="采纳或推广的上级机关")
    body_level: AdopterLevel | None = Field(
        None,
        description="该机关的层级：中央（党中央及中央部门、全国人大、两高）、国家部委、省级、市级；"
        "原文未写明机关时留空",
    )
    action: Text = Field(description="做了什么，如“采纳”“确定为典型”“肯定推广”")
    instrument: InstrumentKind = Field(description="载体类别")
    instrument_title: str | None = Field(None, description="载体名称，如文件标题")
    date: PartialDate | None = Field(None, description="时间")
    period: Period = None
    replicated_in: list[str] = Field(default_factory=list, description="推广复制到的地方")


class Experience(Record):
    title: Text = Field(description="经验名称")
    summary: Text = Field(description="做法是什么")
    domains: list[Domain] = Field(default_factory=list, description="领域")
    areas: list[Ref] = Field(default_factory=list, description="来源地区编号（areas）")
    pilots: list[Ref] = Field(default_factory=list, description="来自哪些试点（pilots）")
    adoptions: list[Adoption] = Field(default_factory=list, description="推广采纳链条")
    coverage: list[Ref] = Field(default_factory=list, description="相关媒体报道编号")
    events: list[Ref] = Field(default_factory=list, description="相关活动编号")


class Coverage(Record):
    outlet: Text = Field(description="媒体")
    column: str | None = Field(None, description="栏目或节目")
    date: PartialDate | None = Field(None, description="刊发日期")
    period: Period = None
    title: str | None = Field(None, description="报道标题")
    link: Url | None = Field(None, description="链接（已知时）")
    covers: Text = Field(description="报道内容")
    count: str | None = Field(None, description="篇数，按原文写法")
    pilots: list[Ref] = Field(default_factory=list, description="涉及试点")
    experiences: list[Ref] = Field(default_factory=list, description="涉及经验")
    areas: list[Ref] = Field(default_factory=list, description="涉及地区")


class Event(Record):
    title: Text = Field(description="活动名称")
    kind: EventKind = Field(description="类别")
    date: PartialDate | None = Field(None, description="日期")
    period: Period = None
    place: str | None = Field(None, description="地点")
    organiser: str | None = Field(None, description="主办或组织方")
    scale: str | None = Field(None, description="规模，按原文写法，如“459人次”“36次”")
    pilots: list[Ref] = Field(default_factory=list, description="涉及试点")
    experiences: list[Ref] = Field(default_factory=list, description="涉及经验")
    areas: list[Ref] = Field(default_factory=list, description="涉及地区")


class Evaluation(Record):
    evaluator: Text = Field(description="评估机构")
    subject: Text = Field(description="评估对象")
    date: PartialDate | None = Field(None, description="评估时间")
    period: Period = None
    method: str | None = Field(None, description="方法")
    questionnaires: str | None = Field(None, description="问卷数，按原文写法")
    satisfaction: str | None = Field(None, description="满意度，按原文写法")
    score: str | None = Field(None, description="得分，按原文写法")
    pilots: list[Ref] = Field(default_factory=list, description="被评估的试点")


class Figure(Record):
    """An aggregate number of the report, or an outcome indicator of a domain."""

    label: Text = Field(description="指标")
    value: Text = Field(description="数值，按原文写法")
    number: float | None = Field(None, description="可计算的数值（仅当原文给出确切数字时）")
    unit: str | None = Field(None, description="单位")
    as_of: PartialDate | None = Field(None, description="数据时点")
    reported: PartialDate | None = Field(None, description="报告日期")
    compare: str | None = Field(None, description="比较基准")
    domain: Domain | None = Field(None, description="所属领域")
    pilots: list[Ref] = Field(default_factory=list, description="所属试点")
    areas: list[Ref] = Field(default_factory=list, description="所属地区")
    group: str | None = Field(None, description="分组，用于统计页排列，如“试点总量”“经济指标”")
    catalogue: str | None = Field(
        None,
        description="与本库收录数对照的范围：“全部试点”，或“层级:国家级”“领域:经济体制”“状态:已完成销号”等",
    )

    @field_validator("catalogue")
    @classmethod
    def _catalogue_scope(cls, value: str | None) -> str | None:
        if value is None or value == "全部试点":
            return value
        facet, _, label = value.partition(":")
        enum = {"层级": Level, "领域": Domain, "状态": Status}.get(facet)
        if enum is None or label not in {m.value for m in enum}:
            raise ValueError(
                f"对照范围“{value}”无效；允许：全部试点，或 层级:国家级/省级/市级、"
                "领域:经济体制 等、状态:争取中/推进中/已完成销号/已清理"
            )
        return value


class Term(_Model):
    """A word of the field, for search and the glossary (名词解释).

    Editorial: an entry states words (what people call a thing), not facts. Only a sentence
    quoted from a source, with its ``source``, explains what the word means.
    """

    id: Slug
    term: Text = Field(description="词条：本库使用的说法，如“社会保障卡”")
    aliases: list[Text] = Field(
        default_factory=list,
        description="同义的其他说法：简称、俗称、旧称，如“社保卡”（双向：搜任何一个都能找到另一个）",
    )
    includes: list[Text] = Field(
        default_factory=list,
        description="更具体的说法：搜词条时也找包含这些词的内容，反之不然，如“空气质量”包括“优良天数”“PM2.5”",
    )
    source: Ref | None = Field(None, description="释义所依据的来源编号（有释义时填写）")
    quote: Quotes | None = Field(
        None, description="释义：来源中说明这个词的原文句子（逐字摘录）；没有时词条只列出各种说法"
    )
    note: str | None = Field(None, description="编辑说明（不在网站显示）")

    @field_validator("quote")
    @classmethod
    def _quote_needs_source(cls, value: list[str] | None, info: Any) -> list[str] | None:
        if value is not None and not info.data.get("source"):
            raise ValueError("有释义（quote）时必须写来源编号；允许：同时填写 source 与 quote")
        return value


# Stable URL slugs for enum values (Chinese labels are shown, ASCII slugs are addresses).
ENUM_SLUGS: dict[type[Enum], dict[str, str]] = {
    Level: {"国家级": "national", "省级": "provincial", "市级": "municipal"},
    Domain: {
        "经济体制": "economy",
        "生态文明": "ecology",
        "社会民生": "livelihood",
        "民主法制": "law",
        "党建纪检": "party",
        "文化": "culture",
    },
    Status: {"争取中": "seeking", "推进中": "ongoing", "已完成销号": "closed", "已清理": "cleared"},
}
