"""Composition on made-up units: a further sentence must add to the answer, a place-keyed list gives the named place's member."""

from __future__ import annotations

from assistant.answer.composition import _best_sentences, keyed_to
from assistant.answer.question import Candidate, QuestionShape
from assistant.records import Kind, Unit


def unit(uid: str, text: str, label: str = "", path: tuple[str, ...] = ("第一章 总则",)) -> Unit:
    return Unit(uid, "doc", "某市规划", Kind.PARAGRAPH, label or uid, path, text, 0, len(text))


def candidate(u: Unit, score: float, rank: int = 0) -> Candidate:
    return Candidate(u, u.body, score, rank, 0)


def test_a_second_sentence_that_repeats_the_figure_is_left_out():
    text = unit("p1", "全市建设和完善社区服务设施426处。")
    row = unit("r8", "表1 第8项 建设和完善社区服务设施（五年累计数）：2020年实际 426处，2025年目标 ≥500处", "表1 第8项")
    shape = QuestionShape("numeric", units=("处",))
    words = frozenset({"建设", "完善", "社区", "服务", "设施"})
    chosen = _best_sentences([candidate(text, 0.9), candidate(row, 0.85, 1)], shape, words)
    assert [c.unit.id for c in chosen] == ["p1"]


def test_a_second_sentence_with_a_new_figure_or_a_new_word_stays():
    first = unit("p1", "新建改建道路里程400公里。")
    second = unit("p2", "新建改建道路里程400公里，其中农村公路120公里。")
    # the same figure, but the second names 农村公路, which the question asks about
    chosen = _best_sentences(
        [candidate(first, 0.9), candidate(second, 0.88, 1)], QuestionShape("numeric"), frozenset({"道路", "农村公路"})
    )
    assert [c.unit.id for c in chosen] == ["p1", "p2"]
    # a figure the first does not give
    other = unit("p3", "改造供水管网85公里。")
    chosen = _best_sentences([candidate(first, 0.9), candidate(other, 0.85, 1)], QuestionShape("numeric"), frozenset({"道路"}))
    assert [c.unit.id for c in chosen] == ["p1", "p3"]


def test_a_list_keyed_by_place_gives_the_named_places_member():
    members = [
        unit("b1", "东城：重点推进老厂房改造项目。"),
        unit("b2", "西城：重点推进博物馆项目、文化街区项目。"),
        unit("b3", "南城：公园项目。"),
    ]
    assert [u.id for u in keyed_to(members, ["西城"])] == ["b2"]
    # no place named, or none of the keys: the list stays whole
    assert keyed_to(members, []) == members
    assert keyed_to(members, ["北城"]) == members


def test_a_list_not_keyed_by_place_stays_whole():
    members = [unit("c1", "加快西城老旧小区改造。"), unit("c2", "推进东城棚户区改造。")]
    assert keyed_to(members, ["西城"]) == members
