"""A synthetic catalogue of any size, for benchmarks and scale tests.

Records follow the real model and pass the validator: every quote is a sentence of a
synthetic source text written alongside. Names mix the real catalogue's vocabulary so that
search and browse pages see realistic Chinese text.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

AREAS = [
    ("zibo", "淄博市", "市"),
    ("zhangdian", "张店区", "区"),
    ("zichuan", "淄川区", "区"),
    ("boshan", "博山区", "区"),
    ("zhoucun", "周村区", "区"),
    ("linzi", "临淄区", "区"),
    ("huantai", "桓台县", "县"),
    ("gaoqing", "高青县", "县"),
    ("yiyuan", "沂源县", "县"),
    ("gaoxin", "高新区", "功能区"),
    ("jingkai", "经济开发区", "功能区"),
    ("wenchanghu", "文昌湖省级旅游度假区", "功能区"),
]
TOPICS = [
    "河长制",
    "多规合一",
    "救急难",
    "资产收益扶贫",
    "村官直审",
    "校园足球",
    "刑责治污",
    "物流标准化",
    "知识产权",
    "农村集体产权制度",
    "生态补偿",
    "医联体",
    "文化消费",
    "返乡创业",
    "党代会代表任期制",
    "行政审批制度",
    "智慧园区",
    "社会保障卡",
    "司法体制",
    "新型城镇化",
]
KINDS = ["改革试点", "示范区", "试验区", "综合试点", "示范基地"]
LEVELS = ["国家级", "省级", "市级", None]
DOMAINS = ["经济体制", "生态文明", "社会民生", "民主法制", "党建纪检", "文化"]
STATUSES = ["争取中", "推进中", "已完成销号", "已清理", None]
FILLER = (
    "围绕深化改革这条主线，坚持问题导向，细化任务分工，建立工作台账，定期调度推进，"
    "及时总结提炼经验做法，形成可复制可推广的制度成果。"
)


class _Text:
    """The synthetic source text: every quote of the catalogue is one of its sentences."""

    def __init__(self) -> None:
        self.sentences: list[str] = []

    def sentence(self, text: str) -> str:
        self.sentences.append(text)
        return text


def _areas(text: _Text) -> list[dict]:
    return [
        {
            "id": aid,
            "name": name,
            "kind": kind,
            **({"parent": "zibo"} if aid != "zibo" else {}),
            "source": "synthetic",
            "quote": text.sentence(f"本市辖{name}。"),
        }
        for aid, name, kind in AREAS
    ]


def _pilot(i: int, rng: random.Random, text: _Text) -> tuple[dict, str, str]:
    """Pilot number ``i + 1``, with its area's name and its topic."""
    area_id, area_name, _ = AREAS[rng.randrange(len(AREAS))]
    topic = TOPICS[i % len(TOPICS)]
    kind = KINDS[rng.randrange(len(KINDS))]
    name = f"{area_name}{topic}{kind}第{i + 1}号"
    year = 2013 + rng.randrange(5)
    value = rng.randrange(10, 9000)
    quote = text.sentence(f"{year}年，{area_name}承担{name}任务，{FILLER}截至目前，累计完成投资{value}万元。")
    rec: dict = {
        "id": f"pilot-{i + 1:05d}",
        "name": name,
        "domains": [DOMAINS[rng.randrange(len(DOMAINS))]],
        "areas": [area_id],
        "approved": year,
        "summary": f"{area_name}承担{name}任务，{FILLER}",
        "source": "synthetic",
        "quote": quote,
        "metrics": [
            {
                "name": "累计完成投资",
                "value": f"{value}万元",
                "number": value,
                "unit": "万元",
                "source": "synthetic",
                "quote": quote,
            }
        ],
    }
    level = LEVELS[rng.randrange(len(LEVELS))]
    status = STATUSES[rng.randrange(len(STATUSES))]
    if level:
        rec["level"] = level
    if status:
        rec["status"] = status
    if rng.random() < 0.5:
        rec["deadline"] = year + 3
        rec["quote"] = [quote, text.sentence(f"{name}计划于{year + 3}年完成。")]
    return rec, area_name, topic


def _experience(pilot: dict, area_name: str, topic: str) -> dict:
    """The experience drawn from a pilot (every tenth pilot has one)."""
    return {
        "id": pilot["id"].replace("pilot-", "experience-"),
        "title": f"{area_name}{topic}做法",
        "summary": pilot["summary"],
        "pilots": [pilot["id"]],
        "areas": list(pilot["areas"]),  # a list of its own: a shared one is dumped as a YAML alias
        "source": "synthetic",
        "quote": pilot["metrics"][0]["quote"],
    }


def generate(n: int, seed: int = 7) -> tuple[dict, str]:
    """(data, source text) for ``n`` pilots."""
    rng = random.Random(seed)
    text = _Text()
    areas = _areas(text)
    pilots: list[dict] = []
    experiences: list[dict] = []
    for i in range(n):
        pilot, area_name, topic = _pilot(i, rng, text)
        pilots.append(pilot)
        if i % 10 == 0:
            experiences.append(_experience(pilot, area_name, topic))
    data = {
        "sources": [
            {
                "id": "synthetic",
                "title": "合成测试数据",
                "kind": "其他",
                "file": "sources/synthetic.txt",
                "note": "由 scripts/bench 生成，仅用于性能与规模测试。",
            }
        ],
        "areas": areas,
        "pilots": pilots,
        "experiences": experiences,
        "figures": [
            {
                "id": "pilots-total",
                "label": "合成试点总数",
                "value": f"{n}项",
                "number": n,
                "unit": "项",
                "group": "试点总量",
                "source": "synthetic",
                "quote": text.sentence(f"本市共承担试点任务{n}项。"),
            }
        ],
    }
    return data, "\n".join(text.sentences) + "\n"


PROFILES = ("flat", "shaped")


def write(n: int, data_dir: Path, seed: int = 7, profile: str = "flat") -> Path:
    """Write ``pilots.yaml`` and its source text into ``data_dir``; return the YAML path.
    ``flat``: one line a value, as a YAML dumper writes it (the quick reader's best case);
    ``shaped``: as editors write the real file (comments, blank lines between records, folded
    summaries over several lines, quotes as lists, flow lists of ids)."""
    data, text = generate(n, seed)
    (data_dir / "sources").mkdir(parents=True, exist_ok=True)
    (data_dir / "sources" / "synthetic.txt").write_text(text, encoding="utf-8")
    target = data_dir / "pilots.yaml"
    if profile == "shaped":
        target.write_text(shaped(data), encoding="utf-8")
        return target
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    target.write_text(
        yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=1000),
        encoding="utf-8",
    )
    return target


def _scalar(value: object) -> str:
    return yaml.safe_dump(value, allow_unicode=True, width=10_000).removesuffix("\n...\n").strip()


def _folded(text: str, indent: str) -> list[str]:
    """A long text as a folded block, broken after a comma about every 45 characters."""
    lines, line = [], ""
    for piece in text.replace("，", "，\n").split("\n"):
        if line and len(line) + len(piece) > 45:
            lines.append(line)
            line = ""
        line += piece
    lines.append(line)
    return [">-", *(indent + part for part in lines if part)]


def _record(rec: dict, indent: str, first: str) -> list[str]:
    out: list[str] = []
    for i, (key, value) in enumerate(rec.items()):
        lead = first if i == 0 else indent
        if isinstance(value, list) and value and isinstance(value[0], dict):
            out.append(f"{lead}{key}:")
            for item in value:
                out += _record(item, indent + "    ", indent + "  - ")
        elif isinstance(value, list) and key == "quote":
            out.append(f"{lead}{key}:")
            out += [f"{indent}  - {_scalar(q)}" for q in value]
        elif isinstance(value, list):
            out.append(f"{lead}{key}: [{', '.join(_scalar(v) for v in value)}]")
        elif key == "summary" and isinstance(value, str) and len(value) > 45:
            head, *rest = _folded(value, indent + "  ")
            out += [f"{lead}{key}: {head}", *rest]
        else:
            out.append(f"{lead}{key}: {_scalar(value)}")
    return out


def shaped(data: dict) -> str:
    """``data`` written as editors write the real file."""
    out = ["# 合成数据（scripts/bench --profile shaped）：按真实数据文件的写法生成。", ""]
    for coll, records in data.items():
        out += ["# " + "-" * 75, f"# {coll}", "# " + "-" * 75, f"{coll}:"]
        group = None
        for rec in records:
            domains = rec.get("domains") or [None]
            if coll == "pilots" and domains[0] != group:
                group = domains[0]
                out.append(f"  # --- {group} ---")
            out += _record(rec, "    ", "  - ")
            out.append("")
    return "\n".join(out) + "\n"
