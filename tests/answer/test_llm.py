"""The optional LLM writer: citation checking, and a real HTTP round trip to a fake OpenAI-compatible endpoint."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.answer.llm import LLMWriter, best_quote, build_prompt, check_sentences
from assistant.config import Settings
from assistant.records import Citation, Reply, Unit

JIANGSU = "江苏省“十四五”老工业地区和资源型地区振兴发展规划"
COAL = "煤炭行业“十四五”老矿区转型发展指导意见"
SUBSIDENCE = (
    "重点采煤沉陷区：贾汪区重点采煤沉陷区沉陷面积约92.9平方公里，涉及约5.9万人。"
    "沛县重点采煤沉陷区沉陷面积约54.48平方公里，涉及16.55万人。铜山区重点采煤沉陷区沉陷面积约66.6平方公里，涉及4.68万人。"
)
ECOLOGY = (
    "生态环境质量明显改善。废弃矿山、采煤沉陷区综合治理加速推进，历史遗留矿山（区）治理率达到60%左右，采煤沉陷区综合治理完成国家下达目标。"
)
MINERS = (
    "坚持以矿工为中心。坚持把矿工的幸福感、获得感、安全感放在首位，提高职工收入水平，优化收入分配结构，开发更多就业岗位，"
    "提高就业创业质量，改善工作场所环境和条件，提高职业安全健康水平，健全多层次社会保障体系，让转型发展成果更多惠及广大矿工。"
)


def make_unit(unit_id: str, title: str, label: str, path: tuple[str, ...], body: str) -> Unit:
    return Unit(unit_id, unit_id.split("/")[0], title, "paragraph", label, path, body, 0, len(body))


MINERS_UNIT = make_unit(
    "coal/5/p1", COAL, "（五）发展原则 坚持以矿工为中心", ("二、指导思想、发展原则和主要目标", "（五）发展原则"), MINERS
)
SUBSIDENCE_UNIT = make_unit(
    "jiangsu/box1/7",
    JIANGSU,
    "专栏1 老工业地区和资源型地区基本情况：重点采煤沉陷区",
    ("第一章 发展基础和面临形势", "第一节 发展基础", "专栏1 老工业地区和资源型地区基本情况"),
    SUBSIDENCE,
)
ECOLOGY_UNIT = make_unit("jiangsu/ch2.3/p5", JIANGSU, "第二章第三节 生态环境质量明显改善", ("第二章 总体要求", "第三节 发展目标"), ECOLOGY)
UNITS = [MINERS_UNIT, SUBSIDENCE_UNIT, ECOLOGY_UNIT]
PEIXIAN = "沛县重点采煤沉陷区沉陷面积约54.48平方公里，涉及16.55万人。"

EXTRACTIVE = Reply(
    question="那沛县呢？",
    query="沛县重点采煤沉陷区沉陷面积是多少？",
    answer=PEIXIAN + "[1]",
    found=True,
    citations=(Citation(1, SUBSIDENCE_UNIT, PEIXIAN),),
)
SUZHOU = "苏州市老工业区的面积是多少？"
REFUSAL = Reply(question=SUZHOU, query=SUZHOU, answer="文件中没有找到能回答这个问题的内容（文件没有涉及“苏州市”）。", found=False)


# --- the check, as a pure function -------------------------------------------------------------


def test_supported_sentences_are_kept_with_their_markers_and_the_rest_dropped():
    text = (
        "贾汪区重点采煤沉陷区沉陷面积约92.9平方公里，涉及约5.9万人。[2]"
        "历史遗留矿山（区）治理率要达到60%左右[3]。"
        "沛县重点采煤沉陷区沉陷面积约60平方公里。[2]"
        "这句话没有标注。"
        "文件还要求提高职工收入水平。[9]"
    )
    kept, dropped = check_sentences(text, UNITS)
    assert kept == [
        ("贾汪区重点采煤沉陷区沉陷面积约92.9平方公里，涉及约5.9万人。", [2]),
        ("历史遗留矿山（区）治理率要达到60%左右。", [3]),
    ]
    # 60 is not a figure of unit 2; no marker; [9] is outside 1..3
    assert dropped == ["沛县重点采煤沉陷区沉陷面积约60平方公里。[2]", "这句话没有标注。", "文件还要求提高职工收入水平。[9]"]


def test_a_sentence_cited_to_a_unit_that_does_not_say_it_is_dropped():
    kept, dropped = check_sentences("要提高职工收入水平，优化收入分配结构。[2]", UNITS)
    assert (kept, dropped) == ([], ["要提高职工收入水平，优化收入分配结构。[2]"])


def test_a_sentence_with_several_markers_needs_each_unit_to_add_something():
    joined = "要坚持以矿工为中心，提高职工收入水平；沛县重点采煤沉陷区沉陷面积约54.48平方公里。[1][2]"
    stray = "要坚持以矿工为中心，提高职工收入水平。[1][3]"
    kept, dropped = check_sentences(joined + stray, UNITS)
    assert kept == [("要坚持以矿工为中心，提高职工收入水平；沛县重点采煤沉陷区沉陷面积约54.48平方公里。", [1, 2])]
    assert dropped == [stray]


def test_list_bullets_line_breaks_and_marker_variants_are_read():
    text = "1. 坚持以矿工为中心[1]\n2. 治理率达到60%左右【3】\n- 沛县重点采煤沉陷区沉陷面积约54.48平方公里[2, 3]\n"
    kept, dropped = check_sentences(text, UNITS)
    assert kept == [("坚持以矿工为中心", [1]), ("治理率达到60%左右", [3])]
    # unit 3 adds nothing to the Peixian sentence that unit 2 does not already say
    assert dropped == ["- 沛县重点采煤沉陷区沉陷面积约54.48平方公里[2, 3]"]


def test_the_quote_is_the_units_sentence_closest_to_what_was_said():
    assert best_quote(SUBSIDENCE_UNIT, "沛县沉陷面积约54.48平方公里") == PEIXIAN
    assert best_quote(ECOLOGY_UNIT, "治理率达到60%左右") == ECOLOGY  # a short lead is quoted with its sentence


def test_the_prompt_holds_only_the_numbered_units_and_the_question():
    prompt = build_prompt(EXTRACTIVE, UNITS[:2])
    units, rest = prompt.split("\n\n问题：")
    assert units == (
        "条款：\n"
        f"[1] 《{COAL}》 › 二、指导思想、发展原则和主要目标 › （五）发展原则 › （五）发展原则 坚持以矿工为中心\n{MINERS}\n\n"
        f"[2] 《{JIANGSU}》 › 第一章 发展基础和面临形势 › 第一节 发展基础 › 专栏1 老工业地区和资源型地区基本情况"
        f" › 专栏1 老工业地区和资源型地区基本情况：重点采煤沉陷区\n{SUBSIDENCE}"
    )
    assert rest.startswith("那沛县呢？\n（结合上文，问题理解为：沛县重点采煤沉陷区沉陷面积是多少？）\n\n要求：\n")
    assert "每句话末尾标注支持这句话的条款编号" in rest
    assert "文件中没有相关内容" in rest


# --- a fake OpenAI-compatible endpoint ------------------------------------------------------------


@dataclass
class FakeEndpoint:
    """Answers POST /v1/chat/completions with whatever `respond` says; records every request body."""

    url: str = ""
    requests: list[dict] = field(default_factory=list)
    keys: list[str | None] = field(default_factory=list)  # the Authorization header of each request
    status: int = 200
    delay: float = 0.0
    respond: Callable[[dict], object] = lambda request: ""
    raw: bytes | None = None  # sent as is instead of a chat.completion built from `respond`
    stop: threading.Event = field(default_factory=threading.Event)

    def completion(self, request: dict) -> bytes:
        content = self.respond(request)
        return json.dumps(
            {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "created": 0,
                "model": request.get("model", ""),
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            },
            ensure_ascii=False,
        ).encode()


@pytest.fixture
def endpoint() -> Iterator[FakeEndpoint]:
    fake = FakeEndpoint()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path != "/v1/chat/completions":
                self.send_error(404)
                return
            fake.requests.append(body)
            fake.keys.append(self.headers.get("Authorization"))
            if fake.delay:
                fake.stop.wait(fake.delay)
            payload = fake.raw if fake.raw is not None else fake.completion(body)
            self.send_response(fake.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.handle_error = lambda request, address: None  # the client hung up after its timeout
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield fake
    fake.stop.set()
    server.shutdown()
    server.server_close()


def writer_for(endpoint: FakeEndpoint) -> LLMWriter:
    return LLMWriter(Settings(llm_base_url=endpoint.url + "/v1", llm_model="fake", llm_api_key="test", llm_timeout=0.5))


def test_a_checked_answer_replaces_the_extractive_one_with_renumbered_citations(endpoint):
    endpoint.respond = lambda request: (
        "沛县重点采煤沉陷区沉陷面积约54.48平方公里，涉及16.55万人[2]。\n另外，规划要求历史遗留矿山（区）治理率达到60%左右。[3]"
    )
    reply = writer_for(endpoint).rewrite(EXTRACTIVE, UNITS)
    assert reply.answer == PEIXIAN + "[1]另外，规划要求历史遗留矿山（区）治理率达到60%左右。[2]"
    assert [(c.ref, c.unit.id, c.quote) for c in reply.citations] == [(1, "jiangsu/box1/7", PEIXIAN), (2, "jiangsu/ch2.3/p5", ECOLOGY)]
    assert all(c.quote in c.unit.body for c in reply.citations)
    assert (reply.found, reply.question, reply.query, reply.notice) == (True, EXTRACTIVE.question, EXTRACTIVE.query, "")
    (request,) = endpoint.requests
    assert (request["model"], request["temperature"]) == ("fake", 0)
    assert [m["role"] for m in request["messages"]] == ["system", "user"]
    assert request["messages"][1]["content"] == build_prompt(EXTRACTIVE, UNITS)
    assert endpoint.keys == ["Bearer test"]


def test_sentences_with_a_bad_citation_are_dropped_and_the_notice_says_how_many(endpoint):
    endpoint.respond = lambda request: (
        "沛县重点采煤沉陷区沉陷面积约54.48平方公里，涉及16.55万人。[2]"
        "坚持以矿工为中心。[9]"  # no unit 9
        "铜山区重点采煤沉陷区沉陷面积约66.6平方公里。[1]"  # unit 1 is about miners
    )
    reply = writer_for(endpoint).rewrite(EXTRACTIVE, UNITS)
    assert reply.answer == PEIXIAN + "[1]"
    assert [(c.ref, c.unit.id) for c in reply.citations] == [(1, "jiangsu/box1/7")]
    assert reply.notice == "已删除2句无法在引文中核实的内容。"


@pytest.mark.parametrize(
    ("content", "notice"),
    [
        ("沛县沉陷面积约80平方公里。[2]铜山区涉及50万人。[2]", "大模型回答未通过引文核对，以下为原文摘录答案。"),
        ("沛县重点采煤沉陷区沉陷面积约54.48平方公里。", "大模型回答未通过引文核对，以下为原文摘录答案。"),  # no marker
        ("文件中没有相关内容。", "大模型认为检索到的条款不能回答该问题，以下为原文摘录答案。"),
        ("", "大模型服务不可用，以下为原文摘录答案。"),
        (None, "大模型服务不可用，以下为原文摘录答案。"),
        (42, "大模型服务不可用，以下为原文摘录答案。"),
    ],
    ids=["unsupported", "no-marker", "declined", "empty", "null", "number"],
)
def test_an_answer_that_cannot_be_checked_falls_back_to_the_extractive_reply(endpoint, content, notice):
    endpoint.respond = lambda request: content
    assert writer_for(endpoint).rewrite(EXTRACTIVE, UNITS) == replace(EXTRACTIVE, notice=notice)
    assert len(endpoint.requests) == 1


@pytest.mark.parametrize(
    ("status", "raw"),
    [
        (500, b'{"error": {"message": "boom", "type": "server_error"}}'),
        (200, b"<html>not json</html>"),
        (200, b'{"choices": "none"}'),
        (200, b"[]"),
    ],
    ids=["http-500", "not-json", "no-choices", "json-list"],
)
def test_a_failing_or_garbled_endpoint_falls_back_and_logs_only_the_error_type(endpoint, caplog, status, raw):
    endpoint.status, endpoint.raw = status, raw
    with caplog.at_level(logging.WARNING, logger="assistant.answer.llm"):
        reply = writer_for(endpoint).rewrite(EXTRACTIVE, UNITS)
    assert reply == replace(EXTRACTIVE, notice="大模型服务不可用，以下为原文摘录答案。")
    assert len(endpoint.requests) == 1  # max_retries=0: one request, no retry loop
    (record,) = caplog.records
    assert re.fullmatch(r"LLM endpoint (failed \(\w+\)|returned no text \(\w+\)); showing the extractive answer\.", record.getMessage())


def test_a_slow_endpoint_times_out_and_falls_back_within_the_timeout(endpoint, caplog):
    import langchain_openai  # noqa: F401  (loaded before timing: the first import takes a while)

    endpoint.delay = 5.0
    endpoint.respond = lambda request: PEIXIAN + "[2]"
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="assistant.answer.llm"):
        reply = writer_for(endpoint).rewrite(EXTRACTIVE, UNITS)
    elapsed = time.perf_counter() - started
    assert reply == replace(EXTRACTIVE, notice="大模型服务不可用，以下为原文摘录答案。")
    assert 0.5 <= elapsed < 1.5
    assert [r.getMessage() for r in caplog.records] == ["LLM endpoint failed (OpenAITimeoutError); showing the extractive answer."]


def test_an_unreachable_endpoint_falls_back():
    writer = LLMWriter(Settings(llm_base_url="http://127.0.0.1:9/v1", llm_model="fake", llm_timeout=0.5))
    assert writer.rewrite(EXTRACTIVE, UNITS) == replace(EXTRACTIVE, notice="大模型服务不可用，以下为原文摘录答案。")


def test_a_refusal_is_returned_unchanged_without_calling_the_endpoint(endpoint):
    assert writer_for(endpoint).rewrite(REFUSAL, UNITS) is REFUSAL
    assert endpoint.requests == []


# --- the size cap (finding 4), through a fake endpoint ------------------------------------------


def test_the_endpoint_is_asked_for_at_most_max_tokens_and_a_longer_answer_falls_back(endpoint):
    from assistant.answer.llm import MAX_CHARS, MAX_TOKENS, TOO_LONG

    endpoint.respond = lambda request: (PEIXIAN + "[2]") * (MAX_CHARS // len(PEIXIAN) + 1)
    reply = writer_for(endpoint).rewrite(EXTRACTIVE, UNITS)
    assert reply == replace(EXTRACTIVE, notice=TOO_LONG)
    assert TOO_LONG == "大模型回答超过4000字的上限，以下为原文摘录答案。"
    (request,) = endpoint.requests
    assert request["max_completion_tokens"] == MAX_TOKENS == 1024
    endpoint.respond = lambda request: PEIXIAN + "[2]"
    assert writer_for(endpoint).rewrite(EXTRACTIVE, UNITS).notice == ""


# --- end to end through Assistant -----------------------------------------------------------------


def answer_from_prompt(sentence: str, evidence: str) -> Callable[[dict], str]:
    """A fake model that cites whichever numbered unit of the prompt holds the evidence."""

    def respond(request: dict) -> str:
        prompt = request["messages"][-1]["content"]
        blocks = re.split(r"\n\n(?=\[\d+\] 《)", prompt.split("\n\n问题：")[0])
        (number,) = [re.match(r"(?:条款：\n)?\[(\d+)\]", b).group(1) for b in blocks if evidence in b]
        return f"{sentence}[{number}]"

    return respond


def test_ask_returns_the_checked_llm_answer(index, settings, endpoint):
    from assistant.answer.assistant import SEARCH_K, Assistant

    endpoint.respond = answer_from_prompt("江苏“十四五”要完成已有采煤沉陷区治理面积42784亩，其中重点采煤沉陷区治理面积17788亩。", "42784亩")
    assistant = Assistant(index, settings.with_overrides(llm_base_url=endpoint.url + "/v1", llm_model="fake", llm_api_key="test"))
    reply = assistant.ask("江苏“十四五”要完成多少亩已有采煤沉陷区治理面积？")
    assert reply.answer == "江苏“十四五”要完成已有采煤沉陷区治理面积42784亩，其中重点采煤沉陷区治理面积17788亩。[1]"
    (citation,) = reply.citations
    assert (citation.ref, citation.unit.id) == (1, "jiangsu/ch4.1/p1")
    assert citation.quote == (
        "按照国家采煤沉陷区综合治理相关规划要求，完成已有采煤沉陷区治理面积42784亩（其中重点采煤沉陷区治理面积17788亩）"
        "等我省“十四五”采煤沉陷区综合治理目标任务。"
    )
    assert (reply.found, reply.notice) == (True, "")
    # the prompt numbers the cited unit first, then the other retrieved units, each once
    hits = assistant.retriever.search(reply.query, k=SEARCH_K)
    sent = list({u.id: u for u in [citation.unit, *(h.unit for h in hits)]}.values())
    (request,) = endpoint.requests
    assert request["messages"][-1]["content"] == build_prompt(replace(reply, answer="", citations=()), sent)


def test_a_follow_up_sends_the_resolved_question_and_a_refusal_sends_nothing(index, settings, endpoint):
    from assistant.answer.assistant import Assistant

    endpoint.respond = answer_from_prompt("沛县重点采煤沉陷区沉陷面积约54.48平方公里，涉及16.55万人。", "沛县重点采煤沉陷区沉陷面积约54.48")
    assistant = Assistant(index, settings.with_overrides(llm_base_url=endpoint.url + "/v1", llm_model="fake", llm_api_key="test"))
    refused = assistant.ask("苏州市老工业区的面积是多少？")
    assert (refused.found, endpoint.requests) == (False, [])
    reply = assistant.ask("那沛县呢？", history=["贾汪区重点采煤沉陷区沉陷面积是多少？"])
    assert reply.answer == PEIXIAN + "[1]"
    assert [c.unit.id for c in reply.citations] == ["jiangsu/box1/7"]
    (request,) = endpoint.requests
    assert "问题：那沛县呢？\n（结合上文，问题理解为：沛县重点采煤沉陷区沉陷面积是多少？）" in request["messages"][-1]["content"]
