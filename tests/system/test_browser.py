"""The app in a real browser (Debian's chromium through playwright): following the chat, copying an answer,
[n] → the reader, one rating per answer, the filter → 全部 button, the phone layout and another corpus's page.

Skipped on a developer machine without chromium; under CI=true a missing browser fails the run.
No test writes a picture: `make screenshot` (bench/screenshots.py) does that on request.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from assistant.ui.feedback import read_feedback

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"]
ARGS += ["--disable-component-update", "--disable-sync"]
JIANGSU = "江苏省“十四五”老工业地区和资源型地区振兴发展规划"
QUESTION = "江苏“十四五”要完成多少亩已有采煤沉陷区治理面积？"
TITLE = f"[1] 《{JIANGSU}》 第四章第一节 加强采煤沉陷区综合治理"
QUOTE = (
    "按照国家采煤沉陷区综合治理相关规划要求，完成已有采煤沉陷区治理面积42784亩（其中重点采煤沉陷区治理面积17788亩）"
    "等我省“十四五”采煤沉陷区综合治理目标任务。"
)
WAIT_MS = 30_000
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 400, "height": 800}
# True when the element's top-left corner (inset a few pixels) is what the viewport shows there:
# inside the window and not scrolled away inside the chat's own scroll box.
SHOWN = """(element) => {
  const box = element.getBoundingClientRect();
  const x = box.left + Math.min(12, box.width / 2), y = box.top + Math.min(12, box.height / 2);
  if (y < 0 || y > innerHeight || x < 0 || x > innerWidth) return false;
  const there = document.elementFromPoint(x, y);
  return !!there && (element === there || element.contains(there));
}"""


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        message = "Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{message}; CI must run the browser tests.")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"), args=ARGS)
        yield browser
        browser.close()


def _open(browser, url: str, viewport: dict):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_default_timeout(WAIT_MS)
    page.goto(url)
    page.wait_for_selector("#question textarea")
    return context, page, dialogs


@pytest.fixture
def page(browser, app):
    context, page, dialogs = _open(browser, app[0], DESKTOP)
    yield page
    context.close()
    assert dialogs == []  # no script from a question or a document ever runs


@pytest.fixture
def phone(browser, app):
    context, page, dialogs = _open(browser, app[0], PHONE)
    yield page
    context.close()
    assert dialogs == []


def _ask(page, question: str) -> None:
    asked = page.locator("#chat [data-testid=user]").count()
    page.fill("#question textarea", question)
    page.click("#send")
    # The question and its answer arrive together: the user message appears with the reply.
    page.wait_for_function("n => document.querySelectorAll('#chat [data-testid=user]').length > n", arg=asked)
    page.locator("#chat .bot-row").nth(asked).wait_for()
    page.wait_for_timeout(400)  # the page script scrolls 150 ms after the answer


def _answer(page, turn: int):
    """The answer bubble (the first bot message) of a turn."""
    return page.locator("#chat [data-testid=user]").nth(turn).locator("xpath=following::*[@data-testid='bot'][1]")


def _shown(page, selector_or_locator) -> bool:
    locator = page.locator(selector_or_locator) if isinstance(selector_or_locator, str) else selector_or_locator
    return locator.evaluate(SHOWN)


def test_after_five_turns_the_newest_answer_and_the_input_box_are_in_view(page):
    questions = [
        QUESTION,
        "贾汪区重点采煤沉陷区沉陷面积是多少？",
        "那沛县呢？",
        "指导意见提出了哪些保障措施？",
        "江苏规划的规划期是哪几年？",
    ]
    for question in questions:
        _ask(page, question)
    assert page.locator("#chat [data-testid=user]").count() == 5
    assert _shown(page, _answer(page, 4))
    assert "2021" in _answer(page, 4).inner_text()
    assert _shown(page, "#question textarea")
    assert _shown(page, "#send")
    assert not _shown(page, _answer(page, 0))  # the first answer has scrolled away: the view moved on


def test_the_copy_button_puts_the_answer_with_its_numbered_sources_on_the_clipboard(page):
    _ask(page, "贾汪区重点采煤沉陷区沉陷面积是多少？")
    _ask(page, QUESTION)
    _answer(page, 1).locator(".copy-answer").click()
    page.wait_for_function("() => [...document.querySelectorAll('#chat .copy-answer')].some(b => b.textContent === '已复制')")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == "\n".join(
        [
            f"问：{QUESTION}",
            "直接回答：42784亩",
            f"答：{QUOTE}[1]",
            "来源：",
            TITLE,
            f"    位置：《{JIANGSU}》 › 第四章 推动资源型地区转型发展 › 第一节 加强重点区域综合治理",
            f"    原文：{QUOTE}",
        ]
    )
    _answer(page, 0).locator(".copy-answer").click()
    page.wait_for_timeout(300)
    assert page.evaluate("navigator.clipboard.readText()").startswith("问：贾汪区重点采煤沉陷区沉陷面积是多少？\n")


def _outline_scrolled_to_checked(page) -> bool:
    return page.evaluate(
        """() => {
          const label = document.querySelector('#outline input:checked').closest('label');
          const box = label.parentElement, a = label.getBoundingClientRect(), b = box.getBoundingClientRect();
          return box.scrollTop > 0 && a.top >= b.top && a.bottom <= b.bottom;
        }"""
    )


def test_clicking_n_opens_the_reader_at_the_unit_with_the_quote_highlighted_and_the_outline_scrolled(page):
    _ask(page, QUESTION)
    answer = _answer(page, 0)
    assert answer.locator("p").first.locator("strong").inner_text() == "42784亩"  # the direct answer, bold, first
    assert answer.inner_text().startswith("42784亩")
    assert "jiangsu/" not in page.locator("#chat").inner_text()  # sources are named in words, never by id
    answer.locator("sup.marker", has_text="[1]").click()
    page.wait_for_selector("#unit [data-unit='jiangsu/ch4.1/p1']")
    assert page.locator("#unit .reader-label").inner_text() == "第四章第一节 加强采煤沉陷区综合治理"
    assert page.locator("#unit .reader-text mark").inner_text() == QUOTE
    assert page.locator("#outline input:checked").get_attribute("value") == "jiangsu/ch4.1/p1"
    assert page.locator("#reader-doc input").input_value() == "江苏老工业和资源型地区规划"
    page.wait_for_function("() => document.querySelector('#outline input:checked').closest('label').parentElement.scrollTop > 0")
    assert _outline_scrolled_to_checked(page)

    page.get_by_role("tab", name="问答").click()  # and from the source list: its own [n] link
    _ask(page, "那沛县呢？")
    source = page.locator("#chat .thought-group").filter(has_text="专栏1").last
    source.locator(".title").click()
    source.locator(".source-open").click()
    page.wait_for_selector("#unit [data-unit='jiangsu/box1/7']")
    assert page.locator("#unit .reader-text mark").inner_text() == "沛县重点采煤沉陷区沉陷面积约54.48平方公里，涉及16.55万人。"

    page.get_by_role("tab", name="问答").click()  # and the "[1]" at the start of a source's title
    title = page.locator("#chat .thought-group").filter(has_text=TITLE).first.locator(".title")
    point = title.evaluate(
        """(title) => {
          const walker = document.createTreeWalker(title, NodeFilter.SHOW_TEXT);
          let node = walker.nextNode();
          while (node && !node.textContent.trim()) node = walker.nextNode();
          const range = document.createRange();
          range.setStart(node, node.textContent.indexOf('[') + 1);
          range.setEnd(node, node.textContent.indexOf('[') + 2);
          const box = range.getBoundingClientRect();
          return [box.left + box.width / 2, box.top + box.height / 2];
        }"""
    )
    page.mouse.click(*point)
    page.wait_for_selector("#unit [data-unit='jiangsu/ch4.1/p1']")
    assert page.locator("#unit .reader-text mark").inner_text() == QUOTE


def test_one_rating_per_answer_with_a_comment_box_beside_the_thumbs(page, app):
    _ask(page, QUESTION)
    thumbs_up = page.locator("#chat button[aria-label='赞']").last  # the zh-CN label of Like
    near = thumbs_up.bounding_box()
    thumbs_up.click()
    box = page.locator("#rating-box")
    box.wait_for()
    page.wait_for_timeout(300)
    assert box.locator("#rating-status").inner_text() == "第 1 条回答：赞。已记录您的反馈，谢谢！可以在下面补充意见。"
    opened = box.bounding_box()
    assert abs(opened["y"] - (near["y"] + near["height"])) < 12 or abs(opened["y"] + opened["height"] - near["y"]) < 12
    assert _shown(page, "#comment textarea")
    page.fill("#comment textarea", "来源准确")
    page.click("#save-comment")
    page.wait_for_selector("#rating-status:has-text('已保存您的意见，谢谢！')")
    page.locator("#chat button[aria-label='踩']").last.click()  # a second click changes the one rating
    page.wait_for_selector("#rating-status:has-text('第 1 条回答：踩。')")
    (stored,) = read_feedback(app[1].feedback_db)
    assert (stored.rating, stored.question, stored.comment) == ("down", QUESTION, "来源准确")
    page.click("#close-rating")
    box.wait_for(state="hidden")


def test_a_refusal_under_a_document_filter_offers_to_search_every_document(page):
    page.get_by_label("老矿区转型指导意见").check()
    _ask(page, "沛县重点采煤沉陷区沉陷面积是多少？")
    refusal = _answer(page, 0).inner_text()
    assert refusal.startswith("未找到")
    assert "检索内容" not in refusal and "以下条款可能相关" not in refusal  # short: the related clauses come once, below
    page.click("#search-all")
    page.wait_for_function("() => document.querySelectorAll('#chat [data-testid=user]').length === 2")
    page.wait_for_timeout(400)
    assert "54.48平方公里" in _answer(page, 1).inner_text()
    assert page.get_by_label("全部").is_checked()
    assert page.locator("#search-all").is_hidden()


def _overlap(a: dict, b: dict) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def test_on_a_phone_the_input_is_full_width_nothing_overlaps_and_the_reader_text_comes_first(phone):
    _ask(phone, QUESTION)
    boxes = {
        name: phone.locator(selector).bounding_box()
        for name, selector in [
            ("chat", "#chat"),
            ("question", "#question"),
            ("send", "#send"),
            ("clear", "#clear"),
            ("filter", "#doc-filter"),
        ]
    }
    assert boxes["question"]["width"] >= 0.94 * PHONE["width"]
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1 for box in boxes.values())
    names = list(boxes)
    assert [(a, b) for i, a in enumerate(names) for b in names[i + 1 :] if _overlap(boxes[a], boxes[b])] == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _answer(phone, 0).locator("sup.marker").first.click()
    phone.wait_for_selector("#unit [data-unit='jiangsu/ch4.1/p1']")
    text, outline = phone.locator("#unit .reader-text").bounding_box(), phone.locator("#outline").bounding_box()
    assert text["y"] + text["height"] <= outline["y"]  # the text first, the outline under it


def test_a_follow_up_shows_what_was_searched_and_markup_stays_text(page):
    _ask(page, "贾汪区重点采煤沉陷区沉陷面积是多少？")
    _ask(page, "那沛县呢？")
    assert "检索：沛县重点采煤沉陷区沉陷面积是多少？" in page.locator("#chat .bot-row").last.inner_text()
    page.click("#clear")
    page.wait_for_function("() => document.querySelectorAll('#chat [data-testid=user]').length === 0")
    question = "<script>alert(1)</script><img src=x onerror=alert(2)> 苏州市老工业区的面积是多少？"
    _ask(page, question)
    assert page.locator("#chat [data-testid=user]").last.inner_text() == question
    assert page.locator("#chat img").count() == 0
    assert page.locator("#chat .not-found").first.inner_text() == "未找到"


OTHER_DOCS = {
    "dy-heating-notice": ("东原市人民政府办公室关于做好2023—2024年采暖季清洁取暖工作的通知", "东原清洁取暖通知"),
    "dy-datashare-rules": ("东原市政务数据共享开放管理办法", "东原政务数据共享开放办法"),
}


@pytest.fixture(scope="module")
def other_app(tmp_path_factory):
    """The app over two documents of the fictional eval/other corpus, without an examples.txt."""
    import shutil as files

    from assistant.answer.assistant import Assistant
    from assistant.config import Settings
    from assistant.indexing.build import build_index
    from assistant.ui.app import build_app, launch_options
    from bench.app_load import free_port

    corpus = tmp_path_factory.mktemp("other") / "corpus"
    corpus.mkdir()
    manifest = []
    for doc_id, (title, short) in OTHER_DOCS.items():
        files.copy(ROOT / "eval" / "other" / "corpus" / f"{doc_id}.txt", corpus)
        manifest.append(f'[[document]]\nid = "{doc_id}"\ntitle = "{title}"\nshort = "{short}"\nfile = "{doc_id}.txt"\n')
    (corpus / "documents.toml").write_text("\n".join(manifest), encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=corpus.parent / "index", port=free_port(), feedback_db=corpus.parent / "f.sqlite3")
    build_index(settings)
    demo = build_app(Assistant.load(settings), settings)
    _, url, _ = demo.launch(**(launch_options(settings) | {"prevent_thread_lock": True, "quiet": True}))
    yield url
    demo.close()


def test_another_corpus_shows_its_own_intro_and_examples(browser, other_app):
    context, page, dialogs = _open(browser, other_app, DESKTOP)
    intro = page.locator("#intro").inner_text()
    assert all(f"《{title}》" in intro for title, _ in OTHER_DOCS.values())
    examples = page.locator("#chat").locator("xpath=following::*[contains(@class, 'gallery')][1]").inner_text()
    assert "东原清洁取暖通知关于“落实运行补贴政策”是怎么说的？" in examples  # a notice without headings: its lead sentences
    assert "东原政务数据共享开放办法中“总则”部分讲了什么？" in examples
    page_text = page.locator("body").inner_text()
    assert [word for word in ("煤炭", "江苏", "老矿区", "沛县") if word in page_text] == []
    context.close()
    assert dialogs == []
