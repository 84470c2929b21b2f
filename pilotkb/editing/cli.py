"""The command line of ``scripts/kb``: every subcommand and its arguments, defined here only.

Each ``_define_*`` function adds one subcommand and names the function that runs it (in
``pilotkb.editing.commands``) and the guard that turns its refusals into messages.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pilotkb.data.model import SourceKind
from pilotkb.data.registry import MODELS
from pilotkb.editing import commands, ingest

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "data" / "pilots.yaml"

_DATA_HELP = "数据文件 / data file（默认 data/pilots.yaml）"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.guard(args.command, args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scripts/kb", description="试点经验库数据工具")
    sub = parser.add_subparsers(dest="cmd", required=True)
    for define in SUBCOMMANDS:
        define(sub)
    return parser


# --- check, schema, stats ------------------------------------------------------------


def _define_check(sub: Any) -> None:
    p = sub.add_parser("check", help="校验数据文件，一次列出全部问题")
    p.add_argument("file", nargs="?", default=str(DEFAULT_DATA))
    p.add_argument(
        "--format",
        choices=["plain", "github"],
        help="github：另外输出 GitHub Actions 注释（在 GitHub Actions 中默认开启）",
    )
    p.add_argument("--codequality", metavar="REPORT", help="另外写出 GitLab Code Quality 报告（JSON）")
    p.set_defaults(command=commands.cmd_check, guard=commands.run_maintenance)


def _define_schema(sub: Any) -> None:
    p = sub.add_parser("schema", help="输出由数据模型生成的 JSON Schema")
    p.add_argument("out", nargs="?", default="-")
    p.set_defaults(command=commands.cmd_schema, guard=commands.run_maintenance)


def _define_stats(sub: Any) -> None:
    p = sub.add_parser("stats", help="输出各集合记录数")
    p.add_argument("file", nargs="?", default=str(DEFAULT_DATA))
    p.set_defaults(command=commands.cmd_stats, guard=commands.run_maintenance)


def _define_gaps(sub: Any) -> None:
    p = sub.add_parser(
        "gaps",
        help="列出来源原文中尚无记录引用的句子 / list source sentences no record cites",
        description="列出来源 SOURCE_ID（默认全部来源）原文中载有数字或试点、经验、报道、活动等内容、\n"
        "却还没有任何记录引用的句子，每行一句：data/sources/文件:行号: 句子。\n"
        "收录一份新报告时，照此逐句补充记录，直到不再列出。\n\n"
        "List each substantive sentence of the source(s) that no record cites, as FILE:LINE: sentence.",
        epilog="示例 / example:\n  scripts/kb gaps zibo-2017-report\n  scripts/kb gaps --format csv > gaps.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("source", nargs="?", metavar="SOURCE_ID", help="来源编号 / source id（默认全部）")
    p.add_argument("--data", default=str(DEFAULT_DATA), metavar="PATH", help=_DATA_HELP)
    p.add_argument(
        "--format", choices=["plain", "csv"], default="plain", help="csv：供电子表格使用（UTF-8，带 BOM）"
    )
    p.set_defaults(command=commands.cmd_gaps, guard=commands.run_maintenance)


# --- the editor commands: bilingual help with an example, and --data -------------------


def _editor_parser(
    sub: Any, name: str, help_: str, description: str, epilog: str, command: commands.Command
) -> argparse.ArgumentParser:
    p = sub.add_parser(
        name,
        help=help_,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--data", default=str(DEFAULT_DATA), metavar="PATH", help=_DATA_HELP)
    p.set_defaults(command=command, guard=commands.run_edit)
    return p


def _define_add(sub: Any) -> None:
    p = _editor_parser(
        sub,
        "add",
        "添加记录 / add records",
        "把 FILE 中的记录（YAML 列表，写法同数据文件）添加到集合 COLLECTION。\n"
        "新记录插在编号按字母顺序紧挨着的那条记录之后，其余内容一字不改；\n"
        "校验通过才写入，否则数据文件保持原样并列出问题。\n\n"
        "Add the records of FILE (a YAML list written as in the data file) to COLLECTION.\n"
        "Each record goes right after the record whose id precedes its own alphabetically;\n"
        "nothing else changes. The file is written only if the result validates.",
        "示例 / example:\n  scripts/kb new-id 临淄区河长制改革试点\n  scripts/kb add pilots new-pilot.yaml",
        commands.cmd_add,
    )
    p.add_argument("collection", metavar="COLLECTION", help="集合 / collection: " + "、".join(MODELS))
    p.add_argument("file", metavar="FILE", help="记录文件 / file with a YAML list of records")


def _define_set(sub: Any) -> None:
    p = _editor_parser(
        sub,
        "set",
        "修改一个字段 / change one field",
        "把记录 ID 的字段 FIELD 改为 VALUE。ID 可写成 集合/编号（如 pilots/zichuan-audit），\n"
        "编号在各集合中唯一时也可只写编号。文字字段按原样保存；其他字段按 YAML 读取，\n"
        "列表写作 [甲, 乙]；VALUE 写 null 表示清空该字段。\n\n"
        "Set FIELD of record ID to VALUE. ID is COLLECTION/ID, or a bare ID when unambiguous.\n"
        "Text fields are taken literally; other fields are read as YAML ([a, b] for a list);\n"
        "null removes the field.",
        "示例 / example:\n  scripts/kb set pilots/logistics-standardisation status 推进中\n"
        "  scripts/kb set logistics-standardisation domains '[经济体制, 社会民生]'",
        commands.cmd_set,
    )
    p.add_argument("id", metavar="ID", help="记录编号 / record id (COLLECTION/ID)")
    p.add_argument("field", metavar="FIELD", help="字段 / field")
    p.add_argument("value", metavar="VALUE", help="新值 / new value")


def _define_update(sub: Any) -> None:
    p = _editor_parser(
        sub,
        "update",
        "添加一条试点进展 / add a progress update",
        "在试点 PILOT_ID 的进展（updates）末尾添加一条。--text、--source、--quote 必填；\n"
        "--quote 可写多次；原文只有“今年4月份”这类时间时用 --period，不写 --date。\n\n"
        "Append a dated progress update to pilot PILOT_ID. --quote may be repeated;\n"
        "use --period for a time given only in words.",
        "示例 / example:\n  scripts/kb update poverty-reform-experimental-zone --date 2015 \\\n"
        "      --text 全国扶贫改革试验区工作现场会在博山召开 --source zibo-2017-report \\\n"
        "      --quote 2015年全国扶贫改革试验区工作现场会在博山召开",
        commands.cmd_update,
    )
    p.add_argument("pilot", metavar="PILOT_ID", help="试点编号 / pilot id")
    p.add_argument("--date", help="日期 / date: 2017、2017-04、2017-04-15")
    p.add_argument("--period", help="原文的时间说法 / time as written, e.g. 今年4月份")
    p.add_argument("--text", required=True, help="进展内容 / what happened")
    p.add_argument("--source", required=True, help="来源编号 / source id")
    p.add_argument("--quote", required=True, action="append", help="来源原文 / verbatim quote (repeatable)")


def _define_new_id(sub: Any) -> None:
    p = _editor_parser(
        sub,
        "new-id",
        "为中文名称生成编号 / propose an id",
        "为中文名称生成稳定、不冲突的编号：名称的拼音（按词连写，最多 4 个词）加名称的\n"
        "4 位哈希。同一名称在任何分支上得到同一编号；不同名称几乎不会相同，无需共享计数器。\n"
        "若已有记录占用，自动加长哈希；若已有同名记录则报错。\n\n"
        "Propose a stable, free id for a Chinese name: its pinyin by word (up to 4 words)\n"
        "plus 4 hex digits of a hash of the name, so branches never need a shared counter.",
        "示例 / example:\n  scripts/kb new-id 临淄区河长制改革试点\n  scripts/kb new-id 淄博市 --collection areas",
        commands.cmd_new_id,
    )
    p.add_argument("name", metavar="NAME", help="中文名称 / the record's name")
    p.add_argument("--collection", default="pilots", help="集合 / collection（默认 pilots）")


def _define_source(sub: Any) -> None:
    p = sub.add_parser("source", help="收录来源原文 / take in a source")
    actions = p.add_subparsers(dest="source_cmd", required=True, metavar="{add,replace}")
    a = _editor_parser(
        actions,
        "add",
        "收录一份新报告 / add a report as a source",
        "把报告 FILE 收录为新来源：Word 文档（.docx）、带文字层的 PDF、浏览器另存的网页（.html/.htm，\n"
        "UTF-8、GBK/GB18030 或 Big5）或纯文本。正文按段落提取，存为 data/sources/编号.txt；页眉页脚、\n"
        "页码、网页导航和页脚等页面杂项不收录（--dry-run 逐条列出）；原件逐字节存为 data/sources/编号.docx\n"
        "等并记在来源记录上。未给出的 --title、--date、--publisher 从文档中提取并显示。扫描件、旧版 .doc/.wps、\n"
        "加密或损坏的文件会被拒绝并说明怎么办，数据不作改动。\n\n"
        "Take in the report FILE (.docx, PDF with a text layer, saved web page, or plain text) as a\n"
        "new source: its text stored one paragraph a line in data/sources/ID.txt, page furniture\n"
        "left out (listed by --dry-run), the original kept byte for byte beside it.",
        "示例 / example:\n  scripts/kb source add 2018年改革试点工作通报.docx --dry-run\n"
        "  scripts/kb source add 2018年改革试点工作通报.docx --date 2018-12-20\n"
        "  scripts/kb gaps",
        ingest.cmd_source_add,
    )
    a.add_argument("file", metavar="FILE", help="报告文件 / the report: .docx, .pdf, .html, .txt")
    a.add_argument("--title", help="标题，按原文逐字（默认取自文档）/ title, verbatim")
    a.add_argument("--publisher", help="发布机构（默认取自文档）/ publisher")
    a.add_argument("--date", help="发布日期 / date: 2017、2017-04、2017-04-15（默认取自文档）")
    a.add_argument("--url", help="原文链接 / link: http(s)://…")
    kinds = "、".join(k.value for k in SourceKind)
    a.add_argument("--kind", default=SourceKind.report.value, help=f"类型 / kind: {kinds}（默认 报告）")
    a.add_argument(
        "--dry-run", action="store_true", help="只显示将保存的原文和未收录的内容，不写入 / write nothing"
    )
    r = _editor_parser(
        actions,
        "replace",
        "收录来源的更正版 / replace a source with its corrected version",
        "用更正版 FILE 重新提取来源 SOURCE_ID 的原文，替换原文文本和原件（旧版留在 git 历史中）。\n"
        "如有记录的引文在新原文中找不到，一个文件也不写，并逐条列出这些引文所在的行。\n\n"
        "Re-extract source SOURCE_ID from the corrected FILE; if any record's quote is no longer in\n"
        "the new text, nothing is written and each such quote is listed.",
        "示例 / example:\n  scripts/kb source replace zibo-2017-report 更正版.docx\n  scripts/kb gaps zibo-2017-report",
        ingest.cmd_source_replace,
    )
    r.add_argument("id", metavar="SOURCE_ID", help="来源编号 / source id")
    r.add_argument("file", metavar="FILE", help="更正版文件 / the corrected report")
    r.add_argument("--dry-run", action="store_true", help="只显示将保存的原文，不写入 / write nothing")


# --- diff: a change of the data file in readers' words (pilotkb.editing.review) ----------


def _define_diff(sub: Any) -> None:
    p = sub.add_parser(
        "diff",
        help="用读者的话说明数据改动 / the data change in readers' words",
        description="比较数据文件的两个版本，列出新增、删除和修改的记录：每个改动的字段写明中文名称、\n"
        "原值 → 新值（长文字按词标出改动），按记录分组，附记录在网站上的页面。\n"
        "BASE 默认 HEAD；不写 HEAD 时比较工作区中的文件（--staged：暂存区）。\n\n"
        "Compare two versions of the data file: records added, removed and changed, each\n"
        "changed field with its Chinese label, old -> new, grouped by record with its page.\n"
        "BASE defaults to HEAD; without HEAD, the file on disk (--staged: the index).",
        epilog="示例 / example:\n  scripts/kb diff                  # 尚未提交的修改\n"
        "  scripts/kb diff HEAD~1 HEAD      # 最近一次提交\n"
        "  scripts/kb diff origin/main HEAD --site-url https://press.example.org/kb/\n"
        "  scripts/kb diff --staged --subject   # 为将要提交的修改拟一个中文提交说明",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("base", nargs="?", metavar="BASE", help="基准提交 / base commit（默认 HEAD）")
    p.add_argument("head", nargs="?", metavar="HEAD", help="比较的提交 / commit（默认：工作区）")
    p.add_argument("--staged", action="store_true", help="比较暂存区（将要提交的修改）/ the index")
    p.add_argument("--format", choices=["markdown", "json"], default="markdown", help="输出格式 / format")
    p.add_argument("--subject", action="store_true", help="只输出建议的中文提交说明 / a commit subject")
    p.add_argument(
        "--site-url",
        default=os.environ.get("KB_SITE_URL", ""),
        metavar="URL",
        help="网站地址，用于记录页面的链接（默认取 KB_SITE_URL）/ the site's address",
    )
    p.add_argument("--output", metavar="FILE", help="写入文件而不是输出 / write to FILE")
    p.add_argument("--commit-msg", metavar="FILE", help=argparse.SUPPRESS)  # the commit-msg hook
    p.add_argument("--data", default=str(DEFAULT_DATA), metavar="PATH", help=_DATA_HELP)
    p.set_defaults(command=commands.cmd_diff, guard=commands.run_maintenance)


# in the order ``scripts/kb --help`` lists them
SUBCOMMANDS: tuple[Callable[[Any], None], ...] = (
    _define_check,
    _define_schema,
    _define_stats,
    _define_gaps,
    _define_add,
    _define_set,
    _define_update,
    _define_new_id,
    _define_source,
    _define_diff,
)
