"""Command line of ``scripts/kb``: a DataError becomes a message and a non-zero exit."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pilotkb import load_catalog
from pilotkb.editing import edit
from pilotkb.editing.reports import os_error_text, reporting
from pilotkb.errors import DataError
from pilotkb.files import write_atomic

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT / "data" / "pilots.yaml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/kb", description="试点经验库数据工具")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("check", help="校验数据文件，一次列出全部问题")
    p.add_argument("file", nargs="?", default=str(DEFAULT_DATA))
    p.add_argument(
        "--format",
        choices=["plain", "github"],
        help="github：另外输出 GitHub Actions 注释（在 GitHub Actions 中默认开启）",
    )
    p.add_argument("--codequality", metavar="REPORT", help="另外写出 GitLab Code Quality 报告（JSON）")
    p = sub.add_parser("schema", help="输出由数据模型生成的 JSON Schema")
    p.add_argument("out", nargs="?", default="-")
    p = sub.add_parser("stats", help="输出各集合记录数")
    p.add_argument("file", nargs="?", default=str(DEFAULT_DATA))
    edit.register(sub)
    args = parser.parse_args(argv)
    if "run" in args:
        return args.run(args)
    try:
        if args.cmd == "check":
            with reporting(args.format, args.codequality):
                cat = load_catalog(args.file)
            counts = "，".join(f"{name} {len(getattr(cat, name))}" for name in cat.collection_names())
            print(f"{args.file}: 校验通过（{counts}）")
        elif args.cmd == "schema":
            from pilotkb.data.schema import json_schema

            text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
            if args.out == "-":
                sys.stdout.write(text)
            else:
                write_atomic(args.out, text)
        elif args.cmd == "stats":
            cat = load_catalog(args.file)
            for name in cat.collection_names():
                print(f"{name}\t{len(getattr(cat, name))}")
    except DataError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    except OSError as exc:
        name = str(exc.filename or getattr(args, "file", ""))
        writing = name in {str(getattr(args, "out", None)), str(getattr(args, "codequality", None))}
        print(f"{name}: {'无法写入' if writing else '无法读取'}：{os_error_text(exc)}", file=sys.stderr)
        return 1
    return 0
