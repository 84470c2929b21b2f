"""The project's settings: one table, each documented on the site (a test checks it).

Set them in ``mkdocs.yml`` under ``extra: kb:``; anything not set takes its default.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import quote, urlsplit

from pilotkb.data.model import DATE_RE
from pilotkb.errors import DataError, Problem

# settings holding a date: YAML reads 2017-12-31 as a date and 2017 as a number
# The site's name in the downloads, feeds and citations (mkdocs.yml's site_name, checked by a test).
SITE_NAME = "试点经验库"

DATE_SETTINGS = ("data_date", "bulletin_date")
# integer settings where 0 means "off"
ZERO_ALLOWED = ("history_commits",)


# the forges whose addresses are known: "/-/" is GitLab's separator before blob/ and edit/
FORGES = ("github", "gitlab")
_REPO_URL = re.compile(r"https?://[^\s/?#@]+(?:/[^\s?#]+)+")
_BRANCH = re.compile(r"[^\s\x00-\x1f~^:?*\[\\]+")


@dataclass(frozen=True)
class Forge:
    """Where the repository lives, in the conventions of Material's ``repo_url``/``edit_uri``:
    links to a file (at one of its lines) on the default branch, and to the forge's editor."""

    url: str  # https://github.com/press/pilotkb, without a trailing slash or .git
    branch: str
    kind: str  # one of FORGES

    @property
    def label(self) -> str:
        return "GitHub" if self.kind == "github" else "GitLab"

    def _page(self, action: str, path: str) -> str:
        sep = "/-/" if self.kind == "gitlab" else "/"
        return f"{self.url}{sep}{action}/{quote(self.branch, safe='/')}/{quote(path, safe='/')}"

    def blob(self, path: str, line: int | None = None) -> str:
        """The file ``path`` (relative to the repository's top) on the branch, at ``line``."""
        return self._page("blob", path) + (f"#L{line}" if line else "")

    def edit(self, path: str) -> str:
        """The forge's editor for ``path``; a folder (ending in /) gives Material's ``edit_uri``."""
        return self._page("edit", path)


def _forge_problems(values: dict[str, Any], where: str) -> list[Problem]:
    url, kind = values.get("repo_url", ""), values.get("repo_kind", "")
    branch = values.get("repo_branch") or Settings.repo_branch

    def problem(key: str, message: str) -> Problem:
        return Problem(where, 1, "extra.kb", key, message)

    out = []
    if url and not _REPO_URL.fullmatch(url):
        out.append(
            problem(
                "repo_url", f"地址不对（{url!r}）；允许：仓库首页地址，如 https://github.com/press/pilotkb"
            )
        )
    if kind and kind not in FORGES:
        out.append(problem("repo_kind", f"取值“{kind}”无效；允许：github、gitlab，或留空（按地址判断）"))
    elif url and not kind and _REPO_URL.fullmatch(url) and _guess_kind(url) is None:
        out.append(problem("repo_kind", f"无法从地址 {url} 判断代码托管平台；允许：github、gitlab"))
    if not _BRANCH.fullmatch(branch) or ".." in branch or branch.startswith(("-", "/")):
        out.append(problem("repo_branch", f"分支名不对（{branch!r}）；允许：默认分支的名称，如 main"))
    return out


def _guess_kind(url: str) -> str | None:
    host = (urlsplit(url).hostname or "").lower()
    if host == "github.com":
        return "github"
    if host == "gitlab.com" or host.startswith("gitlab."):
        return "gitlab"
    return None


def _date_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, _dt.date | int):
        return value.isoformat() if isinstance(value, _dt.date) else str(value)
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else None


def _real_date(value: str) -> bool:
    m = DATE_RE.fullmatch(value)
    if not m:
        return False
    y, mo, d = (int(x) if x else 1 for x in m.groups())
    try:
        _dt.date(y, mo, d)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Settings:
    data: str = "data/pilots.yaml"
    """数据文件路径，相对于 mkdocs.yml 所在目录。"""

    page_size: int = 50
    """试点列表每页条数（试点一览、各分类页）；超过即分页，保证页面大小不随数据量增长。"""

    recent_updates: int = 10
    """首页“最新进展”显示的条数。"""

    search: bool = True
    """构建后是否生成中文全文检索索引（jieba 分词、静态分片索引）。"""

    exports: bool = True
    """是否生成开放数据下载文件（JSON、CSV、Excel 工作簿、SQLite 数据库、数据包说明）。"""

    history_commits: int = 100
    """读取数据文件最近多少次提交的修改记录（各记录页的修改记录、更新记录页、订阅源）；读取一次，成本有上限。0 表示不读取，页面注明没有修改记录。"""

    licence: str = "CC-BY-4.0"
    """开放数据的许可协议（SPDX 标识，如 CC-BY-4.0 即“署名 4.0 国际”、CC0-1.0）；写入每个下载文件、数据包说明和数据下载页。"""

    data_date: str = "git"
    """数据日期，写入下载文件与引用：git 表示数据文件最后一次提交的日期；也可写 2017、2017-12 或 2017-12-31；无从得知时显示“未公开”。"""

    bulletin_date: str = "git"
    """督导通报的统计截止日：git（或留空）表示数据文件最后一次提交的日期；也可写 2017-12-31（只写年份或年月的，按该年或该月最后一天计）。不取构建时的当天日期，同一份数据每次构建结果相同。"""

    bulletin_months: int = 12
    """督导通报最多生成最近多少个月（每月一期）。"""

    feed_entries: int = 50
    """每个订阅源（Atom、RSS）最多收录的条目数。"""

    workers: bool = True
    """`mkdocs build` 时是否把检索索引和开放数据文件（Excel 工作簿、SQLite 数据库、数据包说明）交给第二个进程制作，与页面渲染同时进行：双核机器上构建更快，占用的 CPU 时间不变。需要操作系统支持 fork（Linux、macOS），不支持时在同一进程内完成；`mkdocs serve` 时总在同一进程内完成。"""

    precompress: bool = False
    """构建后是否在每个文本文件（HTML、CSS、JS、JSON、SVG、XML、CSV，1 KB 以上）旁写一份 gzip 压缩副本（name.gz），供只发送预压缩文件的主机使用（GitLab Pages、nginx 的 gzip_static），手机下载量约为原来的四分之一；会自行压缩的主机（GitHub Pages）无需开启。默认关闭：副本使输出多出约四分之一，构建稍慢。"""

    repo_url: str = ""
    """代码仓库首页地址（如 https://github.com/press/pilotkb），由环境变量 KB_REPO_URL 给出，CI 按代码托管平台自动设置。设置后，每个记录页链接到数据文件中这条记录所在的行和平台的在线编辑器，手写页面显示“编辑此页”按钮；留空则没有这些链接。"""

    repo_branch: str = "main"
    """链接指向的分支（默认分支），由环境变量 KB_REPO_BRANCH 给出；留空即 main。"""

    repo_kind: str = ""
    """代码托管平台：github 或 gitlab（两者的文件和编辑器地址写法不同），由环境变量 KB_REPO_KIND 给出；留空则按地址判断（github.com 为 github，gitlab.com 或以 gitlab. 开头的主机为 gitlab）。"""

    @property
    def forge(self) -> Forge | None:
        """The repository's links, or None when ``repo_url`` is not set."""
        if not self.repo_url:
            return None
        url = self.repo_url.rstrip("/").removesuffix(".git")
        kind = self.repo_kind or _guess_kind(url) or "github"
        return Forge(url, self.repo_branch or Settings.repo_branch, kind)

    @classmethod
    def from_mapping(cls, raw: Any, where: str = "mkdocs.yml") -> Settings:
        raw = raw or {}
        known = {f.name: f for f in fields(cls)}
        problems: list[Problem] = []
        values: dict[str, Any] = {}
        if not isinstance(raw, dict):
            raise DataError([Problem(where, 1, "extra.kb", "(全部)", "应为映射；允许：" + "、".join(known))])
        for key, value in raw.items():
            f = known.get(key)
            if f is None:
                problems.append(
                    Problem(where, 1, "extra.kb", str(key), "未知设置；允许：" + "、".join(known))
                )
                continue
            if key in DATE_SETTINGS:
                value = _date_text(value)
                if value is None or not (value in ("", "git") or _real_date(value)):
                    problems.append(
                        Problem(
                            where,
                            1,
                            "extra.kb",
                            key,
                            f"日期不对（{raw[key]!r}）；允许：git、留空，或 2017、2017-12、2017-12-31",
                        )
                    )
                    continue
            expected = type(f.default)
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                problems.append(
                    Problem(where, 1, "extra.kb", key, f"类型不对（{value!r}）；允许：{expected.__name__}")
                )
                continue
            if expected is int and value < (0 if key in ZERO_ALLOWED else 1):
                least = "0 或正整数" if key in ZERO_ALLOWED else "正整数"
                problems.append(Problem(where, 1, "extra.kb", key, f"应为{least}，实际是 {value}"))
                continue
            values[key] = value
        problems += _forge_problems(values, where)
        if problems:
            raise DataError(problems)
        return cls(**values)


def documented() -> list[tuple[str, Any, str]]:
    """(name, default, help) for each setting, read from the attribute docstrings."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(Settings))
    docs: dict[str, str] = {}
    body = tree.body[0].body  # type: ignore[attr-defined]
    for node, nxt in zip(body, body[1:], strict=False):
        if isinstance(node, ast.AnnAssign) and isinstance(nxt, ast.Expr):
            docs[node.target.id] = nxt.value.value  # type: ignore[attr-defined,union-attr]
    return [(f.name, f.default, docs.get(f.name, "")) for f in fields(Settings)]
