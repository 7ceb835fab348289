"""Readers: .txt (any common Chinese encoding), .md, .docx and .pdf files become the same kind of units."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from assistant.corpus.manifest import load_corpus, load_corpus_report
from assistant.corpus.readers import read_document
from assistant.corpus.structure import parse_document
from assistant.errors import CorpusError
from assistant.records import DocumentSpec, Kind

SPEC = DocumentSpec(id="demo", title="示例规划", short="示例", file="demo")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
PLAN = "\n".join(
    [
        "示例规划",
        "第一章 总则",
        "第一条 为推动示例地区转型发展，制定本规划。",
        "第二条 本规划适用于示例市。",
        "第二章 主要任务",
        "第三条 加快产业升级。",
        "",
    ]
)
PLAN_UNITS = [
    ("demo/title", "heading", "示例规划", ()),
    ("demo/ch1", "heading", "第一章 总则", ()),
    ("demo/ch1.1", "clause", "第一条 为推动示例地区转型发展，制定本规划", ("第一章 总则",)),
    ("demo/ch1.2", "clause", "第二条 本规划适用于示例市", ("第一章 总则",)),
    ("demo/ch2", "heading", "第二章 主要任务", ()),
    ("demo/ch2.3", "clause", "第三条 加快产业升级", ("第二章 主要任务",)),
]


def units_of(path: Path) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return [(u.id, u.kind, u.label, u.path) for u in parse_document(SPEC, read_document(path)).units]


def write_table(document, rows: list[list[str]]) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value


def write_pdf(path: Path, pages: list[tuple[list[str], str]]) -> Path:
    """A PDF with one page per (lines, footer); the footer is printed at the foot of the page."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # a CID font reportlab ships: no font file needed
    pdf = canvas.Canvas(str(path))
    for lines, footer in pages:
        pdf.setFont("STSong-Light", 12)
        for number, line in enumerate(lines):
            pdf.drawString(72, 780 - 20 * number, line)
        pdf.drawCentredString(297, 40, footer)
        pdf.showPage()
    pdf.save()
    return path


# -- Word ------------------------------------------------------------------------------------------
def test_a_word_document_parses_into_chapters_articles_and_table_rows(tmp_path):
    document = docx.Document()
    document.add_paragraph("示例规划", style="Title")
    document.add_heading("第一章 总则", level=1)
    document.add_paragraph("第一条 为推动示例地区转型发展，制定本规划。")
    document.add_paragraph("第二条 本规划适用于示例市。")
    document.add_heading("第二章 主要任务", level=1)
    document.add_paragraph("第三条 加快产业升级。到2025年，主要指标如下。")
    write_table(document, [["序号", "指标", "2020年", "2025年"], ["1", "产值（亿元）", "100", "200"], ["2", "就业（万人）", "10", "20"]])
    document.add_paragraph("第四条 加强保障。")
    path = tmp_path / "demo.docx"
    document.save(path)

    assert read_document(path) == (
        "示例规划\n\n第一章 总则\n\n第一条 为推动示例地区转型发展，制定本规划。\n\n第二条 本规划适用于示例市。\n\n第二章 主要任务\n\n"
        "第三条 加快产业升级。到2025年，主要指标如下。\n\n表 1\n序号 指标 2020年 2025年\n1 产值（亿元） 100 200\n2 就业（万人） 10 20\n\n"
        "第四条 加强保障。\n"
    )
    parsed = parse_document(SPEC, read_document(path))
    table_path = ("第二章 主要任务", "第三条 加快产业升级", "表1")
    assert [(u.id, u.kind, u.label, u.path) for u in parsed.units] == [
        *PLAN_UNITS[:5],
        ("demo/ch2.3", "clause", "第三条 加快产业升级", ("第二章 主要任务",)),
        ("demo/table1", "heading", "表1", ("第二章 主要任务", "第三条 加快产业升级")),
        ("demo/table1/head", "heading", "表1 表头", table_path),
        ("demo/table1/r1", "table_row", "表1 第1项 产值（亿元）", table_path),
        ("demo/table1/r2", "table_row", "表1 第2项 就业（万人）", table_path),
        ("demo/ch2.4", "clause", "第四条 加强保障", ("第二章 主要任务",)),
    ]
    units = {u.id: u for u in parsed.units}
    assert units["demo/ch1.1"].text == "第一条为推动示例地区转型发展，制定本规划。"
    assert units["demo/table1/head"].text == "序号 指标 2020年 2025年"
    assert units["demo/table1/r2"].text == "2 就业（万人） 10 20"
    assert units["demo/table1/r2"].sentence == "表1 第2项 就业（万人）：2020年 10，2025年 20"


def test_word_headings_without_a_chinese_number_become_markdown_and_a_captioned_table_keeps_its_caption(tmp_path):
    document = docx.Document()
    document.add_heading("第一章 总则", level=1)
    document.add_heading("保障措施", level=2)
    document.add_heading("（一）加强组织领导", level=3)
    document.add_paragraph("加强组织领导。各地要建立工作机制。")
    document.add_paragraph("表2 主要指标")
    write_table(document, [["指标", "2020年", "2025年"], ["产值", "100", ""], ["就业", "10", "20"]])
    document.add_paragraph("以上指标按年度考核。")
    path = tmp_path / "demo.docx"
    document.save(path)

    assert read_document(path) == (
        "第一章 总则\n\n## 保障措施\n\n（一）加强组织领导\n\n加强组织领导。各地要建立工作机制。\n\n"
        "表2 主要指标\n指标 2020年 2025年\n产值 100 —\n就业 10 20\n\n以上指标按年度考核。\n"
    )
    parsed = parse_document(SPEC, read_document(path))
    clause = ("第一章 总则", "保障措施", "（一）加强组织领导")
    assert [(u.id, u.kind, u.label, u.path) for u in parsed.units] == [
        ("demo/ch1", "heading", "第一章 总则", ()),
        ("demo/h2", "heading", "保障措施", ("第一章 总则",)),
        ("demo/h2.1", "heading", "（一）加强组织领导", ("第一章 总则", "保障措施")),
        ("demo/h2.1/p1", "paragraph", "（一）加强组织领导 加强组织领导", clause),
        ("demo/table2", "heading", "表2 主要指标", clause),
        ("demo/table2/head", "heading", "表2 主要指标 表头", (*clause, "表2 主要指标")),
        ("demo/table2/r1", "table_row", "表2 第1项 产值", (*clause, "表2 主要指标")),
        ("demo/table2/r2", "table_row", "表2 第2项 就业", (*clause, "表2 主要指标")),
        ("demo/h2.1/p2", "paragraph", "（一）加强组织领导 以上指标按年度考核", clause),
    ]
    units = {u.id: u for u in parsed.units}
    assert units["demo/table2/r1"].text == "产值 100 —"
    assert units["demo/table2/r2"].sentence == "表2 第2项 就业：2020年 10，2025年 20"


def test_a_box_drawn_as_a_one_column_word_table_keeps_one_unit_per_item(tmp_path):
    document = docx.Document()
    document.add_paragraph("第一条 为推动示例地区转型发展，制定本规划。")
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell.text = "专栏1 重点项目"
    cell.add_paragraph("甲项目：新建厂房。")
    cell.add_paragraph("乙项目：改造园区。")
    document.add_paragraph("第二条 本规划适用于示例市。")
    path = tmp_path / "demo.docx"
    document.save(path)

    assert read_document(path) == (
        "第一条 为推动示例地区转型发展，制定本规划。\n\n专栏1 重点项目\n甲项目：新建厂房。 \n乙项目：改造园区。 \n\n"
        "第二条 本规划适用于示例市。\n"
    )
    box = ("第一条 为推动示例地区转型发展，制定本规划", "专栏1 重点项目")
    assert units_of(path) == [
        ("demo/1", "clause", "第一条 为推动示例地区转型发展，制定本规划", ()),
        ("demo/box1", "heading", "专栏1 重点项目", box[:1]),
        ("demo/box1/1", "box_item", "专栏1 重点项目：甲项目", box),
        ("demo/box1/2", "box_item", "专栏1 重点项目：乙项目", box),
        ("demo/2", "clause", "第二条 本规划适用于示例市", ()),
    ]


def test_a_word_document_of_long_plain_paragraphs_keeps_one_unit_per_paragraph(tmp_path):
    paragraphs = [
        "坚持生态优先、绿色发展，统筹推进山水林田湖草沙系统治理，持续改善老矿区生态环境质量，打造宜居宜业的美丽家园。",
        "坚持创新驱动、产业升级，培育壮大接续替代产业，推动传统产业高端化、智能化、绿色化改造，增强区域发展内生动力。",
        "坚持民生为本、共建共享，着力解决群众急难愁盼问题，完善基本公共服务体系，不断增强人民群众获得感和幸福感。",
    ]
    document = docx.Document()
    document.add_paragraph("示例规划", style="Title")
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    path = tmp_path / "demo.docx"
    document.save(path)

    parsed = parse_document(SPEC, read_document(path))
    assert [(u.id, u.kind, u.text) for u in parsed.units] == [
        ("demo/title", "heading", "示例规划"),
        *[(f"demo/p{n}", "paragraph", text) for n, text in enumerate(paragraphs, start=1)],
    ]


def test_a_damaged_word_file_is_named_in_one_sentence(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(CorpusError) as caught:
        read_document(path)
    assert str(caught.value) == f"{path} is not a readable Word .docx file; open and save it again in Word, or export it as PDF."


# -- PDF -------------------------------------------------------------------------------------------
def test_a_pdf_over_two_pages_gives_the_same_units_without_page_numbers(tmp_path):
    path = write_pdf(
        tmp_path / "demo.pdf",
        [
            (
                ["示例规划", "第一章 总则", "第一条 为推动示例地区转型发展，制定本规划。", "第二条 本规划适用于示例市，示例市所辖各区"],
                "— 1 —",
            ),
            (["参照执行。", "第二章 主要任务", "第三条 加快产业升级。"], "— 2 —"),
        ],
    )

    parsed = parse_document(SPEC, read_document(path))
    assert [(u.id, u.kind, u.label, u.path) for u in parsed.units] == [
        *PLAN_UNITS[:3],
        ("demo/ch1.2", "clause", "第二条 本规划适用于示例市，示例市所辖各区参照执行", ("第一章 总则",)),
        *PLAN_UNITS[4:],
    ]
    assert parsed.units[3].text == "第二条本规划适用于示例市，示例市所辖各区参照执行。"
    assert "—" not in parsed.text


def test_bare_page_numbers_at_page_edges_go_but_numbers_in_the_text_stay(tmp_path):
    path = write_pdf(
        tmp_path / "demo.pdf",
        [(["第一条 目标年份为", "2025"], ""), (["第二条 指标达到"], "2"), (["第三条 完成。"], "3"), (["第四条 附则。"], "第 4 页")],
    )
    # The PDF is read by layout: a block a paragraph; "2025" ends a line as wide as the widest, so it runs on.
    assert read_document(path) == "第一条 目标年份为2025\n\n第二条 指标达到\n\n第三条 完成。\n\n第四条 附则。\n"


def test_encrypted_scanned_and_damaged_pdfs_each_say_what_is_wrong(tmp_path):
    encrypted = tmp_path / "encrypted.pdf"
    pdf = canvas.Canvas(str(encrypted), encrypt="secret")
    pdf.drawString(72, 700, "secret plan")
    pdf.save()
    scanned = tmp_path / "scanned.pdf"
    pdf = canvas.Canvas(str(scanned))
    pdf.rect(72, 72, 200, 200, fill=1)
    pdf.save()
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\nthis is not really a pdf\n")

    messages = []
    for path in (encrypted, scanned, damaged):
        with pytest.raises(CorpusError) as caught:
            read_document(path)
        messages.append(str(caught.value))
    assert messages == [
        f"{encrypted} is an encrypted PDF; save an unprotected copy and rebuild.",
        f"{scanned} has no extractable text (a scanned PDF?); run OCR on it or supply a .txt or .docx version.",
        f"{damaged} is not a readable PDF (it is damaged or its encryption is not supported); "
        "export it again or supply a .txt or .docx version.",
    ]


# -- plain text and markdown -----------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-16"])
def test_a_text_file_in_another_encoding_gives_the_same_units_as_its_utf8_twin(tmp_path, encoding):
    twin = tmp_path / "utf8.txt"
    twin.write_bytes(PLAN.encode("utf-8"))
    other = tmp_path / f"{encoding}.txt"
    other.write_bytes(PLAN.encode(encoding))

    expected = [(u.id, u.label, u.text) for u in parse_document(SPEC, read_document(twin)).units]
    assert [(u.id, u.label, u.text) for u in parse_document(SPEC, read_document(other)).units] == expected
    assert [(u.id, u.kind, u.label, u.path) for u in parse_document(SPEC, read_document(twin)).units] == PLAN_UNITS


def test_markdown_keeps_headings_and_text_and_turns_a_table_into_rows(tmp_path):
    path = tmp_path / "demo.md"
    path.write_text(
        "\n".join(
            [
                "# 示例规划",
                "",
                "## 第一章 总则",
                "",
                "**第一条** 为推动示例地区[转型发展](https://example.com/plan)，制定本规划。![示意图](map.png)",
                "",
                "第二条 本规划适用于*示例市*。",
                "",
                "## 主要指标",
                "",
                "**表1 主要指标**",
                "",
                "| 指标 | 2020年 | 2025年 |",
                "|:---|---:|---:|",
                "| 产值（亿元） | 100 | 200 |",
                "| 就业（万人） | 10 | |",
                "",
                "- 发展`新材料`产业",
                "- 发展新能源产业",
                "",
                "```",
                "代码 **原样** 保留",
                "```",
            ]
        ),
        encoding="utf-8",
    )

    assert read_document(path) == (
        "# 示例规划\n\n第一章 总则\n\n第一条 为推动示例地区转型发展，制定本规划。\n\n第二条 本规划适用于示例市。\n\n## 主要指标\n\n"
        "表1 主要指标\n指标 2020年 2025年\n产值（亿元） 100 200\n就业（万人） 10 —\n\n"
        "发展新材料产业\n\n发展新能源产业\n\n代码 **原样** 保留\n"
    )
    table = ("第一章 总则", "主要指标", "表1 主要指标")
    assert units_of(path) == [
        ("demo/h1", "heading", "示例规划", ()),
        ("demo/ch1", "heading", "第一章 总则", ()),
        ("demo/ch1.1", "clause", "第一条 为推动示例地区转型发展，制定本规划", ("第一章 总则",)),
        ("demo/ch1.2", "clause", "第二条 本规划适用于示例市", ("第一章 总则",)),
        ("demo/h5", "heading", "主要指标", ("第一章 总则",)),
        ("demo/table1", "heading", "表1 主要指标", table[:2]),
        ("demo/table1/head", "heading", "表1 主要指标 表头", table),
        ("demo/table1/r1", "table_row", "表1 第1项 产值（亿元）", table),
        ("demo/table1/r2", "table_row", "表1 第2项 就业（万人）", table),
        ("demo/h5/p1", "paragraph", "主要指标 第1段", table[:2]),
        ("demo/h5/p2", "paragraph", "主要指标 第2段", table[:2]),
        ("demo/h5/p3", "paragraph", "主要指标 第3段", table[:2]),
    ]


def test_a_markdown_table_without_a_caption_gets_one(tmp_path):
    path = tmp_path / "demo.md"
    path.write_text("第一条 指标如下。\n\n| 指标 | 目标 |\n| --- | --- |\n| 产值 | 200 |\n\n第二条 完成。\n", encoding="utf-8")
    assert read_document(path) == "第一条 指标如下。\n\n表 1\n指标 目标\n产值 200\n\n第二条 完成。\n"
    assert [u.kind for u in parse_document(SPEC, read_document(path)).units] == [
        Kind.CLAUSE,
        Kind.HEADING,
        Kind.HEADING,
        Kind.TABLE_ROW,
        Kind.CLAUSE,
    ]


# -- files that cannot be read ---------------------------------------------------------------------
def test_each_unreadable_file_raises_one_sentence_naming_it(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.md"
    blank.write_text("\n  \n", encoding="utf-8")
    image = tmp_path / "image.txt"
    image.write_bytes(PNG)
    sheet = tmp_path / "sheet.xlsx"
    sheet.write_bytes(b"PK\x03\x04")

    messages = []
    for path in (empty, blank, image, sheet, tmp_path / "missing.txt"):
        with pytest.raises(CorpusError) as caught:
            read_document(path)
        messages.append(str(caught.value))
    assert messages == [
        f"{empty} is empty; put the document's text in it or remove it from the corpus.",
        f"{blank} contains no text; put the document's text in it or remove it from the corpus.",
        f"{image} is not a text file (it looks binary or its encoding is unknown); save it as UTF-8 text and rebuild.",
        f"{sheet} has an unsupported file type (.xlsx); use .txt, .md, .docx or .pdf.",
        f"{tmp_path / 'missing.txt'} does not exist; check the file name.",
    ]


# -- the corpus folder -----------------------------------------------------------------------------
def write_manifest(folder: Path, entries: list[tuple[str, str]]) -> None:
    folder.mkdir(exist_ok=True)
    text = "".join(f'[[document]]\nid = "{doc_id}"\ntitle = "{doc_id} 规划"\nfile = "{file}"\n\n' for doc_id, file in entries)
    (folder / "documents.toml").write_text(text, encoding="utf-8")


def bad_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    write_manifest(
        folder,
        [
            ("good", "good.txt"),
            ("empty", "empty.txt"),
            ("image", "image.txt"),
            ("broken", "broken.pdf"),
            ("sheet", "sheet.xlsx"),
            ("missing", "missing.txt"),
            ("word", "plan.docx"),
        ],
    )
    (folder / "good.txt").write_bytes(PLAN.encode("gbk"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(PNG)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\nthis is not really a pdf\n")
    (folder / "sheet.xlsx").write_bytes(b"PK\x03\x04")
    document = docx.Document()
    document.add_paragraph("第一条 为推动示例地区转型发展，制定本规划。")
    document.save(folder / "plan.docx")
    return folder


def test_the_report_names_each_bad_file_in_one_sentence_and_keeps_the_good_ones(tmp_path):
    folder = bad_corpus(tmp_path)
    documents, problems = load_corpus_report(folder)
    assert [(d.spec.id, len(d.units)) for d in documents] == [("good", 6), ("word", 1)]
    assert problems == [
        f"{folder / 'empty.txt'} is empty; put the document's text in it or remove it from the corpus.",
        f"{folder / 'image.txt'} is not a text file (it looks binary or its encoding is unknown); save it as UTF-8 text and rebuild.",
        f"{folder / 'broken.pdf'} is not a readable PDF (it is damaged or its encryption is not supported); "
        "export it again or supply a .txt or .docx version.",
        f"{folder / 'sheet.xlsx'} has an unsupported file type (.xlsx); use .txt, .md, .docx or .pdf.",
        f"{folder / 'missing.txt'} is listed in documents.toml but does not exist; add the file or remove its entry.",
    ]


def test_strict_loading_raises_at_the_first_bad_file(tmp_path):
    folder = bad_corpus(tmp_path)
    expected = f"{folder / 'empty.txt'} is empty; put the document's text in it or remove it from the corpus."
    with pytest.raises(CorpusError) as caught:
        load_corpus_report(folder, strict=True)
    assert str(caught.value) == expected
    with pytest.raises(CorpusError) as caught:
        load_corpus(folder)
    assert str(caught.value) == expected
    assert [d.spec.id for d in load_corpus(folder, "word")] == ["word"]


def test_a_file_without_a_manifest_entry_gets_an_id_a_title_and_a_warning(tmp_path):
    folder = tmp_path / "corpus"
    write_manifest(folder, [("plan", "listed.txt")])
    (folder / "listed.txt").write_text(PLAN, encoding="utf-8")
    (folder / "Plan.md").write_text("# 专项行动方案\n\n第一条 加快发展。\n", encoding="utf-8")
    long_title = "关于推动示例地区老工业基地调整改造和资源型城市转型发展的实施方案（征求意见稿）以及配套政策说明"
    (folder / "示例方案.txt").write_text(f"{long_title}\n\n第一条 加快发展。\n", encoding="gbk")
    (folder / "README.md").write_text("# 说明\n", encoding="utf-8")
    (folder / ".notes.txt").write_text("隐藏文件\n", encoding="utf-8")
    (folder / "~$lock.docx").write_bytes(b"lock")
    (folder / "data.xlsx").write_bytes(b"PK\x03\x04")

    documents, problems = load_corpus_report(folder, strict=True)
    assert [(d.spec.id, d.spec.title, d.spec.file) for d in documents] == [
        ("plan", "plan 规划", "listed.txt"),
        ("plan-2", "专项行动方案", "Plan.md"),
        ("doc-ad8a3d59", long_title[:60], "示例方案.txt"),
    ]
    assert problems == [
        f"{folder / 'Plan.md'} has no entry in documents.toml; gave it the id plan-2 and titled it “专项行动方案” from its first line; "
        "add an entry to name it.",
        f"{folder / '示例方案.txt'} has no entry in documents.toml; gave it the id doc-ad8a3d59 and titled it “{long_title[:60]}” "
        "from its first line; add an entry to name it.",
        f"{folder / 'data.xlsx'} is not a .txt, .md, .docx or .pdf file, so it was left out; convert it to include it.",
    ]
    assert [u.id for u in documents[1].units] == ["plan-2/h1", "plan-2/h1.1"]
    assert [d.spec.id for d in load_corpus(folder, "doc-ad8a3d59")] == ["doc-ad8a3d59"]


def test_a_folder_without_a_manifest_is_read_file_by_file(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    with pytest.raises(CorpusError) as caught:
        load_corpus(folder)
    assert str(caught.value) == f"{folder / 'documents.toml'} is missing; add a [[document]] entry (id, title, short, file) for each plan."
    (folder / "Coal Plan (2021).txt").write_text(PLAN, encoding="utf-8")
    assert [(d.spec.id, d.spec.title) for d in load_corpus(folder)] == [("coal-plan-2021", "示例规划")]
