"""Follow-ups are resolved from the earlier questions, without an LLM."""

import json

from assistant.answer.conversation import document_words, is_follow_up, resolve


def test_a_place_replaces_the_place_of_the_earlier_question(index):
    r = resolve("那沛县呢？", ["贾汪区重点采煤沉陷区沉陷面积是多少？"], index.tokenizer)
    assert (r.query, r.shown, r.rewritten) == ("沛县重点采煤沉陷区沉陷面积是多少？", "沛县重点采煤沉陷区沉陷面积是多少？", True)


def test_a_pointing_word_carries_the_earlier_topic(index):
    r = resolve("其中重点沉陷区是多少？", ["江苏要完成多少亩已有采煤沉陷区治理面积？"], index.tokenizer)
    assert r.shown == "江苏要完成多少亩已有采煤沉陷区治理面积——其中重点沉陷区是多少？"
    assert r.query == "其中重点沉陷区是多少 其中重点沉陷区是多少 江苏要完成多少亩已有采煤沉陷区治理面积"


def test_chains_of_follow_ups_resolve_in_order(index):
    r = resolve("铜山区呢？", ["贾汪区重点采煤沉陷区沉陷面积是多少？", "那沛县呢？"], index.tokenizer)
    assert r.shown == "铜山区重点采煤沉陷区沉陷面积是多少？"


def test_a_question_that_stands_alone_is_left_as_it_is(index):
    r = resolve("江苏规划的规划期是哪几年？", ["贾汪区重点采煤沉陷区沉陷面积是多少？"], index.tokenizer)
    assert (r.query, r.rewritten) == ("江苏规划的规划期是哪几年？", False)
    assert resolve("那沛县呢？", [], index.tokenizer).rewritten is False


def test_follow_up_detection(index):
    t = index.tokenizer
    assert is_follow_up("那沛县呢？", t)
    assert is_follow_up("它们的面积分别是多少？", t)
    assert is_follow_up("涉及多少人口？", t)
    assert not is_follow_up("老矿区转型发展的发展原则有哪些？", t)


def test_the_followup_is_searched_with_its_topic(retriever, index):
    r = resolve("它们的面积分别是多少？", ["江苏有哪几个独立工矿区？"], index.tokenizer, document_words(index))
    top = [h.unit.id for h in retriever.search(r.query, k=3)]
    assert "jiangsu/box1/9" in top


def test_several_new_places_replace_the_old_ones_and_document_names_stay(index):
    r = resolve(
        "那泉山区九里那个呢？面积和涉及人口各多少？",
        ["江苏规划里，徐州经开区大黄山独立工矿区面积有多大？"],
        index.tokenizer,
        frozenset({"江苏"}),
    )
    assert r.shown == "江苏规划里，泉山区九里独立工矿区面积有多大，面积和涉及人口各多少？"


def test_the_resolver_is_the_one_reading_of_a_question_for_ask_search_and_evaluation(assistant, settings, capsys):
    from assistant.cli import main

    # traditional characters are folded in the question and its history before resolving
    history = ["賈汪區重點採煤沉陷區沉陷面積是多少？"]
    resolution = assistant.resolve("那沛縣呢？", history)
    assert resolution.query == "沛县重点采煤沉陷区沉陷面积是多少？"
    assert assistant.ask("那沛縣呢？", history).query == resolution.shown
    # the CLI's search reads it the same way (it used to skip the folding)
    batch = settings.index_dir.parent / "batch.jsonl"
    batch.write_text(json.dumps({"question": "那沛縣呢？", "history": history}, ensure_ascii=False) + "\n", encoding="utf-8")
    args = ["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir), "search", "--batch", str(batch), "--json"]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["query"] == resolution.query


def test_an_elliptical_follow_up_naming_a_new_topic_takes_the_old_topics_place(index):
    words = document_words(index)
    r = resolve("融资方面呢？", ["指导意见对人才支撑有什么要求？"], index.tokenizer, words)
    assert (r.query, r.shown, r.rewritten) == ("指导意见对融资有什么要求？", "指导意见对融资有什么要求？", True)
    # another document: the same question of it
    assert resolve("指导意见呢？", ["江苏规划的发展目标有哪些？"], index.tokenizer, words).shown == "指导意见的发展目标有哪些？"
    # an attribute asks something else of the same subject: the earlier question stays whole
    r = resolve("那治理面积呢？", ["贾汪区重点采煤沉陷区面积多大？"], index.tokenizer, words)
    assert r.shown == "贾汪区重点采煤沉陷区面积多大——那治理面积呢？"


def test_a_follow_up_over_a_table_filters_its_rows(assistant):
    reply = assistant.ask("其中哪些是五年累计数？", ["表1有多少项指标？"])
    assert reply.short.startswith("共9项：") and all("五年累计数" in c.unit.sentence for c in reply.citations)


def test_a_thing_of_the_same_kind_takes_the_earlier_things_place(index):
    # 服务站 shares 服务 with 服务中心: the new thing replaces the earlier one with what its 的 phrase said of it
    r = resolve("社区养老服务站呢？", ["某市对新建并运营的街道综合养老服务中心给予多少建设补助？"], index.tokenizer)
    assert r.shown == "某市对社区养老服务站给予多少建设补助？"
    r = resolve("社区养老服务站和农村互助点呢？", ["某市新建街道综合养老服务中心能拿多少建设补助？"], index.tokenizer)
    assert r.shown == "某市社区养老服务站和农村互助点能拿多少建设补助？"
    # a figure is a condition of the same thing, and an attribute is asked of it: neither is a new thing
    assert "——" in resolve("100周岁及以上的呢？", ["某市80至89周岁老年人的津贴每月多少钱？"], index.tokenizer).shown
    assert "——" in resolve("那治理面积呢？", ["某区采煤沉陷区的搬迁户数是多少？"], index.tokenizer).shown
