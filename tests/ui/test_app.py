"""The Gradio app: the /ask API through gradio_client, the chat handlers, escaping, the reader and the serve command."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import AssistantError
from assistant.markup import escape_markdown
from assistant.records import Reply, Unit
from assistant.ui.handlers import ask_json, history_questions, open_unit, read_document, read_unit, respond, step, turn_of
from assistant.ui.presentation import COPY_BUTTON, outline, plain_text, reply_messages, unit_html
from bench.app_load import ask_concurrently, free_port, gold_items, problems

JIANGSU = "江苏省“十四五”老工业地区和资源型地区振兴发展规划"
QUOTE_42784 = (
    "按照国家采煤沉陷区综合治理相关规划要求，完成已有采煤沉陷区治理面积42784亩（其中重点采煤沉陷区治理面积17788亩）"
    "等我省“十四五”采煤沉陷区综合治理目标任务。"
)


@pytest.fixture(scope="module")
def client(app):
    from gradio_client import Client

    client = Client(app[0], verbose=False)
    yield client
    client.close()


def test_the_api_has_one_named_endpoint(client):
    assert list(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == ["/ask"]


def test_ask_answers_with_the_citing_unit(client):
    result = client.predict("江苏“十四五”要完成多少亩已有采煤沉陷区治理面积？", [], None, api_name="/ask")
    assert result["found"] is True
    assert "42784" in result["answer"]
    (citation,) = result["citations"]
    assert citation == {
        "ref": 1,
        "id": "jiangsu/ch4.1/p1",
        "doc_id": "jiangsu",
        "doc_title": JIANGSU,
        "label": "第四章第一节 加强采煤沉陷区综合治理",
        "path": ["第四章 推动资源型地区转型发展", "第一节 加强重点区域综合治理"],
        "text": citation["text"],
        "quote": QUOTE_42784,
    }
    assert QUOTE_42784 in citation["text"]
    assert result["query"] == "江苏“十四五”要完成多少亩已有采煤沉陷区治理面积？"


def test_ask_resolves_a_follow_up_from_the_history(client):
    result = client.predict(question="那沛县呢？", history=["贾汪区重点采煤沉陷区沉陷面积是多少？"], doc="all", api_name="/ask")
    assert result["query"] == "沛县重点采煤沉陷区沉陷面积是多少？"
    assert "54.48" in result["answer"]
    assert [c["id"] for c in result["citations"]] == ["jiangsu/box1/7"]


def test_ask_takes_chat_messages_as_history_in_either_content_form(client):
    history = [
        {"role": "user", "content": [{"type": "text", "text": "贾汪区重点采煤沉陷区沉陷面积是多少？"}]},
        {"role": "assistant", "content": "贾汪区……"},
    ]
    result = client.predict("那沛县呢？", history, "", api_name="/ask")
    assert result["query"] == "沛县重点采煤沉陷区沉陷面积是多少？"
    assert history_questions([{"role": "user", "content": "甲"}, "乙", {"role": "assistant", "content": "丙"}]) == ["甲", "乙"]


def test_ask_honours_the_document_filter(client):
    both = client.predict("两份文件在组织领导方面分别怎么说？", [], None, api_name="/ask")
    coal = client.predict("两份文件在组织领导方面分别怎么说？", [], "coal", api_name="/ask")
    assert {c["doc_id"] for c in both["citations"]} == {"coal", "jiangsu"}
    assert coal["citations"]
    assert {c["doc_id"] for c in coal["citations"]} == {"coal"}


def test_ask_with_an_unknown_document_answers_one_sentence(client):
    assert client.predict("人才", [], "nope", api_name="/ask") == {
        "question": "人才",
        "error": "所选文件不在索引中，请改选“全部”或其他文件后再问一次。",
    }


@pytest.mark.slow
def test_twenty_concurrent_clients_are_all_answered_correctly(app, assistant, index):
    items = gold_items()
    outcomes = ask_concurrently(app[0], items)
    assert [o.item.id for o in outcomes] == [item.id for item in items]
    units = {unit.id: unit for unit in index.units}
    assert [p for o in outcomes for p in problems(o.item, o.result, units)] == []
    for outcome in outcomes:
        expected = assistant.ask(outcome.item.question, list(outcome.item.history)).to_json()
        assert outcome.result == expected | {"question": outcome.item.question}


def test_a_question_with_markup_is_shown_escaped(assistant):
    question = "<script>alert(1)</script> *粗* [链接](javascript:x) $x$"
    chat, turns, _ = respond(assistant, question, [], [], "all")
    assert chat[0] == {
        "role": "user",
        "content": "&lt;script&gt;alert&#40;1&#41;&lt;/script&gt; &#42;粗&#42; &#91;链接&#93;&#40;javascript&#58;x&#41; &#36;x&#36;",
    }
    assert not any("<script" in message["content"] for message in chat)
    assert turns[0].question == question


def test_escape_markdown_turns_every_special_into_a_character_reference():
    assert escape_markdown('<a href="x">_b_</a> & 1. # | ~ `c` \\') == (
        "&lt;a href&#61;&quot;x&quot;&gt;&#95;b&#95;&lt;/a&gt; &amp; 1&#46; &#35; &#124; &#126; &#96;c&#96; &#92;"
    )


def test_an_answer_shows_its_markers_and_one_collapsible_source_per_citation(assistant):
    chat, _, copied = respond(assistant, "江苏“十四五”要完成多少亩已有采煤沉陷区治理面积？", [], [], "all")
    assert len(chat) == 3
    answer, source = chat[1], chat[2]
    assert answer["content"] == "\n\n".join(
        [
            "**42784亩**",
            f'{escape_markdown(QUOTE_42784)}<sup class="marker" title="在阅读器中打开来源 &#91;1&#93;">&#91;1&#93;</sup>',
            COPY_BUTTON,
        ]
    )
    assert source["metadata"] == {"title": f"&#91;1&#93; 《{JIANGSU}》 第四章第一节 加强采煤沉陷区综合治理", "status": "done"}
    assert '<span class="source-text">加强采煤沉陷区综合治理。' in source["content"]
    assert f"<mark>{escape_markdown(QUOTE_42784)}</mark>" in source["content"]
    assert source["content"].startswith(
        f'<span class="source-path">《{JIANGSU}》 › 第四章 推动资源型地区转型发展 › 第一节 加强重点区域综合治理</span>'
    )
    assert source["content"].endswith('<span class="source-open">在阅读器中查看上下文 <sup class="marker">&#91;1&#93;</sup></span>')
    assert "jiangsu/" not in answer["content"] + source["content"]  # sources are named in words, never by id
    assert copied == "\n".join(
        [
            "问：江苏“十四五”要完成多少亩已有采煤沉陷区治理面积？",
            "直接回答：42784亩",
            f"答：{QUOTE_42784}[1]",
            "来源：",
            f"[1] 《{JIANGSU}》 第四章第一节 加强采煤沉陷区综合治理",
            f"    位置：《{JIANGSU}》 › 第四章 推动资源型地区转型发展 › 第一节 加强重点区域综合治理",
            f"    原文：{QUOTE_42784}",
        ]
    )


def test_a_follow_up_in_the_chat_uses_the_earlier_questions_and_shows_what_was_searched(assistant):
    chat, turns, _ = respond(assistant, "贾汪区重点采煤沉陷区沉陷面积是多少？", [], [], "all")
    chat, turns, copied = respond(assistant, "那沛县呢？", chat, turns, "all")
    assert [t.query for t in turns] == ["贾汪区重点采煤沉陷区沉陷面积是多少？", "沛县重点采煤沉陷区沉陷面积是多少？"]
    answer = next(m for m in chat[chat.index({"role": "user", "content": "那沛县呢？"}) :] if m["role"] == "assistant")
    assert '<span class="searched">检索：沛县重点采煤沉陷区沉陷面积是多少？</span>' in answer["content"]
    assert "检索：沛县重点采煤沉陷区沉陷面积是多少？" in copied.splitlines()


def test_a_reply_that_was_not_found_looks_different_and_offers_related_clauses(assistant):
    reply = assistant.ask("苏州市老工业区的面积是多少？")
    messages = reply_messages(reply)
    assert messages[0]["content"] == (
        '<span class="not-found">未找到</span> 文件中没有找到能回答这个问题的内容（文件没有涉及“苏州市”）。\n\n' + COPY_BUTTON
    )  # short: the searched text and the related clauses are not repeated in it
    assert [m["metadata"]["title"].split("》")[0] for m in messages[1:]] == [f"可能相关：《{JIANGSU}"] * len(reply.related)
    assert len(messages) == 1 + len(reply.related) == 4
    assert "<mark>" not in "".join(m["content"] for m in messages[1:])


class _Broken:
    def ask(self, question, history=None, doc=None):
        raise RuntimeError("boom")


def test_a_failing_question_becomes_one_chinese_sentence_in_the_chat():
    chat, turns, _ = respond(_Broken(), "问题", [], [], "all")
    assert chat[1] == {
        "role": "assistant",
        "content": '<span class="not-found">出错</span> 处理这个问题时出错了，请稍后再试；如果反复出现，请联系管理员查看服务日志。',
    }
    assert len(turns) == 1
    failed = "处理这个问题时出错了，请稍后再试；如果反复出现，请联系管理员查看服务日志。"
    assert ask_json(_Broken(), "问题") == {"question": "问题", "error": failed}


def test_a_blank_question_changes_nothing(assistant):
    assert respond(assistant, "   ", [{"role": "user", "content": "x"}], [], "all") == ([{"role": "user", "content": "x"}], [], "")


def test_a_rated_message_belongs_to_the_turn_of_the_user_message_before_it():
    chat = [{"role": "user"}, {"role": "assistant"}, {"role": "assistant"}, {"role": "user"}, {"role": "assistant"}]
    assert [turn_of(chat, i) for i in range(5)] == [0, 0, 0, 1, 1]
    assert (turn_of(chat, (4, 0)), turn_of(chat, None), turn_of([], 0)) == (1, -1, -1)


def test_the_reader_opens_a_cited_unit_in_its_document(assistant):
    doc_id, choices, unit_id, page = open_unit(assistant, "jiangsu/box1/7")
    assert (doc_id, unit_id) == ("jiangsu", "jiangsu/box1/7")
    assert ("\u3000\u3000\u3000· 重点采煤沉陷区", "jiangsu/box1/7") in choices
    assert choices[0] == ("▸ 前言", "jiangsu/preface")
    assert '<div class="reader-unit" data-unit="jiangsu/box1/7">' in page
    assert '<h3 class="reader-label">专栏1 老工业地区和资源型地区基本情况：重点采煤沉陷区</h3>' in page
    assert "沛县重点采煤沉陷区沉陷面积约54.48平方公里" in page
    assert '<p class="reader-context-item current" data-unit="jiangsu/box1/7">' in page
    assert open_unit(assistant, "no/such")[:3] == (None, [], None)


def test_the_reader_outline_indents_headings_and_covers_every_unit(index):
    choices = outline(index.units, "coal")
    assert [unit_id for _, unit_id in choices] == [u.id for u in index.units if u.doc_id == "coal"]
    assert choices[:5] == [
        ("▸ 煤炭行业“十四五”老矿区转型发展指导意见", "coal/title"),
        ("· 引言 第1段：煤炭行业老矿区是新中国煤炭工业的摇篮和重要的能源基地…", "coal/p1"),  # how it begins, not only 第1段
        ("▸ 一、发展背景", "coal/part1"),
        ("\u3000▸ （一）发展基础", "coal/1"),
        ("\u3000\u3000· 改革创新持续深化", "coal/1/p1"),
    ]


def test_the_reader_steps_through_a_document_and_stops_at_its_ends(assistant):
    assert step(assistant, "coal/1", 1)[0] == "coal/1/p1"
    assert step(assistant, "coal/1/p1", -1)[0] == "coal/1"
    assert step(assistant, "coal/title", -1)[0] == "coal/title"
    assert read_unit(assistant, None) == '<div class="reader-unit">请在左侧目录中选择要阅读的条款。</div>'


def test_the_reader_escapes_document_text():
    unit = Unit("d/1", "d", "<b>标题</b>", "paragraph", "<i>标签</i>", ("<章>",), "文本<script>x</script>&", 0, 1)
    page = unit_html([unit], unit)
    assert "<script" not in page
    assert "<b>" not in page
    assert "文本&lt;script&gt;x&lt;/script&gt;&amp;" in page


def test_plain_text_of_a_reply_without_sources():
    reply = Reply(question="问", query="问", answer="文件中没有找到。", found=False)
    assert plain_text(reply) == "问：问\n答：文件中没有找到。"


def test_login_and_address_come_from_the_settings(settings):
    from assistant.ui.app import credentials, launch_options

    options = launch_options(settings.with_overrides(auth="official:s3:cret", host="127.0.0.1", port=8123))
    assert (options["server_name"], options["server_port"], options["auth"]) == ("127.0.0.1", 8123, ("official", "s3:cret"))
    assert "allowed_paths" not in options
    assert credentials("") is None
    with pytest.raises(AssistantError, match=r'^ASSISTANT_AUTH must look like "user:password"'):
        credentials("official")


def test_serve_launches_the_app_with_the_settings(monkeypatch):
    import assistant.ui.app

    seen = []
    monkeypatch.setattr(assistant.ui.app, "launch", seen.append)
    monkeypatch.setenv("ASSISTANT_PORT", "8124")
    from assistant.cli import main

    assert main(["serve"]) == 0
    assert [s.port for s in seen] == [8124]


def test_serve_with_a_bad_login_setting_fails_in_one_line_before_loading(monkeypatch, tmp_path, capsys):
    from assistant.cli import main

    monkeypatch.setenv("ASSISTANT_AUTH", "nopassword")
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "never-built"))
    assert main(["serve"]) == 1
    assert capsys.readouterr().err == (
        'assistant: ASSISTANT_AUTH must look like "user:password" (both parts non-empty); unset it to serve without a login.\n'
    )
    assert not (tmp_path / "never-built").exists()


@pytest.mark.slow
def test_with_a_login_set_the_api_needs_the_password(assistant, settings):
    from gradio_client import Client

    from assistant.ui.app import build_app, launch_options

    guarded = settings.with_overrides(auth="official:pass-word", port=free_port())
    demo = build_app(assistant, guarded)
    _, url, _ = demo.launch(**(launch_options(guarded) | {"prevent_thread_lock": True, "quiet": True}))
    try:
        with pytest.raises(ValueError, match="as credentials were not provided"):
            Client(url, verbose=False)
        client = Client(url, auth=("official", "pass-word"), verbose=False)
        assert client.predict("江苏规划的规划期是哪几年？", [], None, api_name="/ask")["found"] is True
        client.close()
    finally:
        demo.close()


def test_choosing_a_document_in_the_reader_opens_it_at_its_start(assistant):
    choices, first, page = read_document(assistant, "jiangsu")
    assert (choices[0], first) == (("▸ 前言", "jiangsu/preface"), "jiangsu/preface")
    assert '<h3 class="reader-label">前言</h3>' in page


def test_the_briefing_tab_handler_gives_markdown_and_both_files(assistant):
    from assistant.ui import handlers as ui_handlers

    markdown, files = ui_handlers.brief(assistant, "采煤沉陷区综合治理", "jiangsu")
    assert markdown.startswith("# 专题简报：采煤沉陷区综合治理")
    assert "42784亩" in markdown
    assert [Path(f).suffix for f in files] == [".md", ".docx"]
    assert all(Path(f).is_file() for f in files)
    assert ui_handlers.brief(assistant, "  ", None) == ("请先输入一个主题（例如：采煤沉陷区综合治理），再点击“生成简报”。", None)
