"""Reports as they really arrive, made for the intake tests: a Word file with a header and a
footer, a PDF whose paragraphs wrap over lines and pages under running headers and page
numbers, a GBK web page inside a portal's navigation and footer, a scan, and hostile files.

Every file carries the same body (``BODY``), so a test can check each sentence verbatim in
the stored text, and its own furniture (``FURNITURE``), none of which may be stored.

    python tests/reportfiles.py OUTDIR    # writes every file into OUTDIR
"""

from __future__ import annotations

import io
import struct
import sys
import zipfile
import zlib
from pathlib import Path

TITLE = "关于2018年全市改革试点工作的通报"
PUBLISHER = "淄博市委改革办"
DATE = "2018-12-20"

# (kind, text or rows). Nothing here is in the project's real source.
BODY: list[tuple[str, object]] = [
    ("heading", "一、总体情况"),
    (
        "para",
        "2018年，全市共承担国家级改革试点12项、省级改革试点46项，其中3项已完成销号，"
        "试点数量居全省第2位。各区县围绕“放管服”改革、农村集体产权制度改革等重点领域，"
        "先后探索形成可复制可推广经验27条，在全省推广的有9条。",
    ),
    (
        "para",
        "高新区依托BIM technology platform建设工程审批系统，项目审批时限由平均120个工作日压减至45个工作日，"
        "全年受理审批事项1.8万件，群众满意率达到99.2%。",
    ),
    ("heading", "二、主要指标"),
    (
        "table",
        [
            ["指标", "2017年", "2018年"],
            ["国家级试点（项）", "9", "12"],
            ["推广经验（条）", "18", "27"],
            ["PM2.5平均浓度（微克/立方米）", "68", "59"],
        ],
    ),
    ("heading", "三、典型经验"),
    (
        "para",
        "淄川区探索“审计直审”做法，累计审计村居840余个，发现并整改问题1260个，"
        "该做法被省审计厅转发全省学习借鉴。",
    ),
    (
        "para",
        "临淄区创新开展党性教育体检，建立“体检、诊断、治疗、康复”四个环节的工作机制，"
        "全区3.2万名党员参加体检，相关经验在全国组织系统交流。",
    ),
    ("heading", "四、下一步工作"),
    (
        "para",
        "2019年，全市将继续加大改革试点争取力度，力争新增国家级试点5项以上，"
        "并建立试点经验总结推广台账，每季度通报一次进展情况。",
    ),
]

# The sentences a record could quote: every paragraph, heading and table cell, whole.
SENTENCES: list[str] = [
    s
    for kind, value in BODY
    for s in (
        [c for row in value for c in row]  # type: ignore[union-attr]
        if kind == "table"
        else [p + "。" for p in str(value).split("。") if p]
        if kind == "para"
        else [str(value)]
    )
]

FURNITURE = {
    "docx": ["淄博市全面深化改革领导小组办公室文件", "内部资料 注意保存", "第 1 页"],
    "pdf": ["淄博改革试点工作通报（2018）", "- 1 -", "- 2 -", "第 1 页", "第 2 页"],
    "html": [
        "首页",
        "政务公开",
        "当前位置",
        "打印本页",
        "关闭窗口",
        "分享到",
        "相关新闻",
        "淄博召开全市深化改革推进会",
        "版权所有",
        "主办单位",
        "网站标识码",
        "鲁ICP备05002123号",
        "浏览次数",
        "var _hmt",
        "font-family",
    ],
}


# --- Word -------------------------------------------------------------------------------


def docx_bytes(title: str = TITLE) -> bytes:
    """A Word file as an office writes one: a title, headings, body, a table, a running
    header and a footer with a page-number field."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = docx.Document()
    doc.core_properties.title = title
    section = doc.sections[0]
    section.header.paragraphs[0].text = "淄博市全面深化改革领导小组办公室文件"
    section.header.add_paragraph("内部资料 注意保存")
    footer = section.footer.paragraphs[0]
    footer.add_run("第 ")  # 第 {PAGE} 页: Word computes the number, 1 is what it last showed
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), ("result", "1"), ("end", None)):
        run = footer.add_run()
        if kind == "result":
            run.text = text
            continue
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.text = text
        run._r.append(el)
    footer.add_run(" 页")
    doc.add_paragraph(title, style="Title")
    for kind, value in BODY:
        if kind == "heading":
            doc.add_heading(str(value), level=1)
        elif kind == "para":
            text = str(value)
            p = doc.add_paragraph()
            # Word splits a paragraph into runs wherever formatting changes
            cut = text.index("，") + 1
            p.add_run(text[:cut]).bold = True
            p.add_run(text[cut:])
        else:
            rows = value  # type: ignore[assignment]
            table = doc.add_table(rows=len(rows), cols=len(rows[0]))  # type: ignore[arg-type]
            table.style = "Table Grid"  # ruled, as offices set their tables
            for r, row in enumerate(rows):  # type: ignore[arg-type]
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
    doc.add_paragraph("")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def docx_of(paragraphs: list[str]) -> bytes:
    """A plain Word file: the first paragraph styled as its title, the others as body."""
    import docx

    doc = docx.Document()
    doc.add_paragraph(paragraphs[0], style="Title")
    for text in paragraphs[1:]:
        doc.add_paragraph(text)
    import datetime

    fixed = datetime.datetime(2018, 12, 20)  # the same bytes each run
    doc.core_properties.created = doc.core_properties.modified = fixed
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- PDF --------------------------------------------------------------------------------

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"  # Debian's fonts-wqy-zenhei


def _pdf() -> object:
    from fpdf import FPDF

    class Report(FPDF):
        def header(self) -> None:
            self.set_font("cjk", size=9)
            self.cell(0, 6, "淄博改革试点工作通报（2018）", align="C")
            self.line(20, 18, 190, 18)
            self.ln(12)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("cjk", size=9)
            self.cell(0, 6, f"- {self.page_no()} -", align="C")

    pdf = Report(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_font("cjk", fname=CJK_FONT)
    return pdf


def pdf_bytes(title: str = TITLE, password: str | None = None) -> bytes:
    """Two pages: each paragraph wrapped over several lines (one over the page break), first
    lines indented by two ideographic spaces, a running header and a page number."""
    from fpdf.enums import WrapMode

    pdf = _pdf()
    if password is not None:
        from fpdf.enums import AccessPermission

        pdf.set_encryption(  # type: ignore[attr-defined]
            owner_password="owner", user_password=password, permissions=AccessPermission.PRINT_LOW_RES
        )
    pdf.set_title(title)  # type: ignore[attr-defined]
    pdf.add_page()  # type: ignore[attr-defined]
    pdf.set_font("cjk", size=16)  # type: ignore[attr-defined]
    pdf.multi_cell(0, 12, title, align="C", new_x="LMARGIN", new_y="NEXT")  # type: ignore[attr-defined]
    for kind, value in BODY:
        if kind == "heading":
            pdf.set_font("cjk", size=12)  # type: ignore[attr-defined]
            pdf.multi_cell(0, 9, "　　" + str(value), new_x="LMARGIN", new_y="NEXT")  # type: ignore[attr-defined]
        elif kind == "para":
            pdf.set_font("cjk", size=12)  # type: ignore[attr-defined]
            pdf.multi_cell(  # type: ignore[attr-defined]
                0, 9, "　　" + str(value), align="J", wrapmode=WrapMode.CHAR, new_x="LMARGIN", new_y="NEXT"
            )
            if value == BODY[2][1]:  # push the next paragraphs down so one crosses the page
                pdf.ln(95)  # type: ignore[attr-defined]
        else:
            pdf.set_font("cjk", size=11)  # type: ignore[attr-defined]
            with pdf.table(col_widths=(80, 40, 40), line_height=8, first_row_as_headings=False) as table:  # type: ignore[attr-defined]
                for row in value:  # type: ignore[attr-defined]
                    cells = table.row()
                    for cell in row:
                        cells.cell(cell)
            pdf.ln(3)  # type: ignore[attr-defined]
    return bytes(pdf.output())  # type: ignore[attr-defined]


def scan_pdf_bytes() -> bytes:
    """A scanned page: an image of text, no text layer."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(img)
    for y in range(80, 760, 30):
        draw.rectangle((60, y, 540, y + 12), fill=40)  # lines of "print"
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.image(io.BytesIO(buf.getvalue()), x=20, y=25, w=170)
    return bytes(pdf.output())


def encrypted_pdf_bytes(user: str = "secret") -> bytes:
    """The report locked with a password to open it (``user``), or only against copying
    (``user=""``: opens without one, but its owner restricts copying text)."""
    return pdf_bytes(password=user)


# --- a web page -------------------------------------------------------------------------


def html_text(title: str = TITLE, charset: str = "gb2312") -> str:
    """A report as a government portal shows it, saved from the browser."""
    body = []
    for kind, value in BODY:
        if kind == "heading":
            body.append(f'<p style="text-indent:2em"><strong>{value}</strong></p>')
        elif kind == "para":
            body.append(f'<p style="text-indent:2em">　　{value}</p>')
        else:
            rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in value)  # type: ignore[union-attr]
            body.append(f'<table border="1" cellspacing="0"><tbody>{rows}</tbody></table>')
    related = "".join(
        f'<li><a href="/art/2018/12/{i}.html">{t}</a><span>2018-12-0{i}</span></li>'
        for i, t in enumerate(
            ["淄博召开全市深化改革推进会", "我市两项改革经验获全省推广", "市委改革办召开专题会议"], 1
        )
    )
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}" />
<title>{title}_淄博市人民政府</title>
<meta name="keywords" content="改革,试点" />
<style type="text/css">body {{ font-family: "宋体"; }} .nav li {{ float: left; }}</style>
<script type="text/javascript">var _hmt = _hmt || []; document.write("统计代码");</script>
</head>
<body>
<div class="top"><div class="logo"><img src="logo.png" alt="淄博市人民政府" /></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zmhd/">政民互动</a></li><li><a href="/bsfw/">办事服务</a></li></ul>
<div class="search"><input type="text" value="请输入关键字" /><a href="#">搜索</a></div></div>
<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/gzdt/">工作动态</a></div>
<div class="main">
<div class="article">
<h1 class="title">{title}</h1>
<div class="info">发布时间：{DATE} 10:30&nbsp;&nbsp;来源：{PUBLISHER}&nbsp;&nbsp;浏览次数：<span id="count">1234</span>&nbsp;&nbsp;字号：[<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>]</div>
<div id="zoom" class="TRS_Editor">
{chr(10).join(body)}
</div>
<div class="tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a> 分享到：<a href="#">微信</a> <a href="#">微博</a></div>
</div>
<div class="related"><h3>相关新闻</h3><ul>{related}</ul></div>
</div>
<div class="footer">
<p>主办单位：淄博市人民政府办公室&nbsp;&nbsp;承办单位：淄博市大数据局</p>
<p>版权所有：淄博市人民政府&nbsp;&nbsp;网站标识码：3703000001&nbsp;&nbsp;<a href="https://beian.miit.gov.cn/">鲁ICP备05002123号</a></p>
</div>
<script type="text/javascript">(function(){{var hm = document.createElement("script");}})();</script>
</body>
</html>
"""


def html_bytes(encoding: str = "gbk", charset: str = "gb2312") -> bytes:
    return html_text(charset=charset).encode(encoding)


BIG5_SENTENCES = ["臺北市推動社會住宅興建計畫，二○一八年完工一千二百戶。", "該計畫採用公私協力模式辦理。"]


def big5_html_bytes() -> bytes:
    """A page in traditional characters, declared and encoded as Big5."""
    paras = "".join(f"<p>{s}</p>" for s in BIG5_SENTENCES)
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=big5">'
        "<title>社會住宅興建計畫_臺北市政府</title></head><body>"
        '<div class="nav"><a href="/">首頁</a> <a href="/news">新聞稿</a></div>'
        f'<div class="content"><h1>社會住宅興建計畫</h1><div class="text">{paras}</div></div>'
        '<div class="footer">版權所有 臺北市政府</div></body></html>'
    )
    return page.encode("big5")


# --- hostile files ----------------------------------------------------------------------


def _zeros(size: int) -> tuple[bytes, int, int]:
    """``size`` zero bytes as raw deflate data, made in a blink: one 4 MiB block, flushed so
    that it stands alone, repeated; with the CRC-32 and Adler-32 of the zeros."""
    chunk = b"\0" * (1 << 22)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    crc, adler = 0, 1
    for _ in range(size // len(chunk)):
        crc, adler = zlib.crc32(chunk, crc), zlib.adler32(chunk, adler)
    return block * (size // len(chunk)) + b"\x03\x00", crc, adler  # + an empty final block


def _zip_with(parts: dict[str, bytes], big: tuple[str, int] | None = None) -> bytes:
    """A zip of ``parts``; ``big`` adds a part of that many zero bytes (under 4 GiB)."""
    entries = []
    for name, data in parts.items():
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        entries.append((name, comp.compress(data) + comp.flush(), zlib.crc32(data), len(data)))
    if big:
        raw, crc, _ = _zeros(big[1])
        entries.append((big[0], raw, crc, big[1]))
    out, central = io.BytesIO(), io.BytesIO()
    for name, raw, crc, size in entries:
        head = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0x21, crc, len(raw), size)
        offset = out.tell()
        out.write(b"PK\x03\x04" + head + struct.pack("<HH", len(name.encode()), 0) + name.encode() + raw)
        central.write(
            b"PK\x01\x02"
            + struct.pack("<H", 20)
            + head
            + struct.pack("<HHHHHII", len(name.encode()), 0, 0, 0, 0, 0, offset)
            + name.encode()
        )
    start = out.tell()
    out.write(central.getvalue())
    n = len(entries)
    out.write(b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, n, n, len(central.getvalue()), start, 0))
    return out.getvalue()


def _docx_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def docx_bomb_bytes(size: int = 2 << 30) -> bytes:
    """A .docx whose body unpacks to ``size`` bytes (2 GiB): a few MB on disk."""
    parts = _docx_parts()
    del parts["word/document.xml"]
    return _zip_with(parts, ("word/document.xml", size))


def docx_entities_bytes() -> bytes:
    """A .docx whose body declares entities that expand to gigabytes (billion laughs)."""
    parts = _docx_parts()
    lol = ['<!ENTITY lol0 "lollollollollollollollollollol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    doc = parts["word/document.xml"].decode("utf-8")
    head, rest = doc.split("?>", 1)
    doc = head + "?>" + f"<!DOCTYPE w:document [{''.join(lol)}]>" + rest.replace(BODY[1][1], "&lol9;", 1)  # type: ignore[arg-type]
    parts["word/document.xml"] = doc.encode("utf-8")
    return _zip_with(parts)


def truncated_pdf_bytes() -> bytes:
    data = pdf_bytes()
    return data[: len(data) // 2]


def pdf_stream_bomb_bytes() -> bytes:
    """A PDF page whose content stream inflates to 2 GiB."""
    raw, _, adler = _zeros(2 << 30)
    stream = b"\x78\xda" + raw + struct.pack(">I", adler)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def empty_html_bytes() -> bytes:
    return b'<!DOCTYPE html><html><head><meta charset="utf-8"><title></title></head><body></body></html>'


def old_doc_bytes() -> bytes:
    """The first bytes of an old binary Word file (.doc, .wps): an OLE2 compound file."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + b"Microsoft Word 97-2003" + b"\0" * 512


def files() -> dict[str, bytes]:
    """Every fixture by file name."""
    return {
        "report.docx": docx_bytes(),
        "report.pdf": pdf_bytes(),
        "report.html": html_bytes(),
        "report-utf8.htm": html_bytes("utf-8", "utf-8"),
        "report-big5.html": big5_html_bytes(),
        "scan.pdf": scan_pdf_bytes(),
        "encrypted.pdf": encrypted_pdf_bytes(),
        "copy-locked.pdf": encrypted_pdf_bytes(""),
        "old.doc": old_doc_bytes(),
        "old.wps": old_doc_bytes(),
        "bomb.docx": docx_bomb_bytes(),
        "entities.docx": docx_entities_bytes(),
        "truncated.pdf": truncated_pdf_bytes(),
        "stream-bomb.pdf": pdf_stream_bomb_bytes(),
        "empty.html": empty_html_bytes(),
        "text.docx": "这是一份纯文本，只是名字叫 .docx。\n".encode(),
        "damaged.docx": docx_bytes()[:3000],
    }


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "reports")
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files().items():
        (out / name).write_bytes(data)
        print(f"{out / name}: {len(data):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
