"""Intents: answers shaped by what the question asks — every qualifying table row, a count, where it is
said and how it is done, a direct 是/否 or value (a section's points and a document's outline:
summaries.py; sums and differences: arithmetic.py; the most, the option left out and when: choices.py;
comparisons: comparison.py).

Each composer returns a `Composed` answer or None when the question's structure is not there (no
section, no table, no figures), and the general composer (composition.py) answers instead.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from ..corpus.headings import heading_title
from ..corpus.repair import squeeze
from ..records import Citation, Kind, Unit
from .analysis import Question
from .composition import ITEM, Composed, Writer, done, enumeration_of, first_sentences
from .figures import COLUMN, YEAR_IN, figures, figures_at, number, shared
from .question import Candidate, sentences
from .summaries import MAX_POINTS, summarise

if TYPE_CHECKING:
    from ..indexing.store import Index
    from .evidence import Scorer

# Words of a table question that name the table or its columns rather than filter its rows.
COLUMN_WORDS = ("目标", "实际", "数值", "指标", "单位", "年份")
TABLE_WORDS = frozenset(
    {
        "指标", "表", "项", "类", "类别", "哪些", "属于", "目标", "实际", "年", "数", "数量",
        "有", "多少", "一共", "几", "共有", "列", "列出", "包括", "规划", "序号", "单位", "其中",
        "具体"
    }
)
# Words of a yes/no question that frame its claim rather than make it.
_CLAIM_FRAME = frozenset(
    {"是否", "是不是", "属于", "提出", "提到", "要求", "规定", "明确", "文件", "规划", "意见", "指导", "有没有", "能否", "可以",
     "鼓励", "支持", "推动", "推进", "强调", "提倡", "倡导"}  # a plan's stance verbs: "是否鼓励X" asks whether it wants X
)  # fmt: skip
# A bound on a figure, and whether it is negated: "可以低于40%吗" against "不低于40%".
_BOUND = re.compile(r"(不|未)?(低于|高于|超过|少于|多于|小于|大于|超出|达到)")
# "由A向B转变": a direction the evidence may give the other way round ("由B向A").
_DIRECTION = re.compile(r"[由从]([^，。？?、]{2,10}?)(?:向|到|转向|转为)([^，。？?、]{2,10}?)(?:转变|转型|转移|迈进|发展|[，。？?]|$)")
_QUESTION_FRAME = frozenset(
    {"什么", "分别", "各", "是", "中", "里", "请问", "文件", "规划", "意见", "分为", "包括", "包含", "属于", "类别"}
)
# A property a table is asked by that the documents never use is named, and the question refused; a
# two-character word that is missing is more often the question's own verb ("分为") than a property.
MIN_PROPERTY = 3
NO_FIGURE = re.compile(r"没有(?:给出)?(?:具体)?(?:数值|数字|数据)|未(?:给出)?(?:量化|具体数值)|不是具体数值|没有量化")
THRESHOLD = re.compile(r"(?P<op>超过|大于|高于|多于|不少于|不低于|低于|少于|小于|不足|不到)\s*(?P<num>\d+(?:\.\d+)?)(?!\d|\s*年)")
DECREASE = re.compile(r"下降|低于|减少|降低|少于|回落|小于")
INCREASE = re.compile(r"提高|增长|高于|增加|提升|超过|大于")
YEAR_REACH = 8  # characters between an asked year and the figure it labels ("2025年目标 50.5%")




# -- tables ----------------------------------------------------------------------------------------


def table_rows(question: Question, candidates: list[Candidate], index: Index, scorer: Scorer) -> Composed | None:
    """Every row of the table asked about that meets the question's filter, counted."""
    table = _table(question, candidates, scorer)
    if table is None:
        return None
    rows = [u for u in scorer.by_document.get(table.doc_id, ()) if u.kind == Kind.TABLE_ROW and u.path == (*table.path, table.text)]
    # what names the document or the table ("东原节水方案的主要指标里", "“四好农村路”意见的指标表") filters no rows
    named = squeeze(table.doc_title + "".join(table.path) + table.text) + scorer.doc_names.get(table.doc_id, "")
    quoted = [t for t in _quoted(question.text) if squeeze(t) not in named]
    # the question's own words (its focus is squeezed, and gluing words makes jieba see new ones)
    words = [w for w in scorer.tokenizer.content_words(question.text) if w not in TABLE_WORDS and w not in named]
    words = [w for w in words if w not in _QUESTION_FRAME and "几" not in w and "哪" not in w and not any(c in w for c in COLUMN_WORDS)]
    words = [w for w in words if not any(w in term for term in _quoted(question.text)) and not THRESHOLD.search(w)]
    words = [w for w in words if len(w) >= 2 and not NO_FIGURE.search(w) and w not in ("没有", "给出", "具体", "超过", "达到", "分别")]
    words = [w for w in words if not re.fullmatch(r"\d+年?", w) and not DECREASE.fullmatch(w) and not INCREASE.fullmatch(w)]
    # "以百分比计" names a unit of the values, "规划表1" the table itself: neither filters rows by their words
    words = [w for w in words if not _PERCENT_WORD.search(w) and not w.endswith("表")]
    # "是预期性而不是约束性的": a negated term is what the rows must not say
    negated = [re.sub(r"(?<=..)(?:指标|项目|类)$", "", squeeze(t)) for t in _NEGATED.findall(question.text)]  # 不是约束性指标 → 约束性
    words = [w for w in words if not any(w in t for t in negated) and w not in _NEGATIONS]
    missing = [w for w in words if not any(w in squeeze(row.body) for row in rows)]
    unknown = [w for w in missing if squeeze(w) not in scorer.corpus and len(w) >= MIN_PROPERTY]
    if unknown:  # the table is asked by a property the documents never give ("约束性")
        said = f"{heading_title(table.text) or table.text}中没有“{'、'.join(unknown)}”的内容"
        return Composed("", said + "。", (), found=False)
    if missing and len(missing) == len(words):
        return None  # the question filters by something the rows do not show: the general answer
    chosen = [row for row in rows if all(w in squeeze(row.body) for w in words if w not in missing)]
    chosen = [row for row in chosen if all(term in row.body for term in quoted)]
    chosen = [row for row in chosen if not any(t in squeeze(row.body + row.sentence) for t in negated)]
    chosen = _by_values(_PERCENT_WORD.sub("%", question.text), chosen)
    if not chosen:
        return None
    writer = Writer()
    for row in chosen:
        writer.quote(row, row.body)
    names = "、".join(_row_name(row) for row in chosen)
    return done(f"共{len(chosen)}项：{names}", writer, f"符合的指标共{len(chosen)}项：", "\n")


_PERCENT_WORD = re.compile(r"百分比|百分数|百分率")  # what a question calls values given in %
_NEGATIONS = frozenset({"不是", "而非", "并非", "不属于", "除了", "之外", "以外"})
_NEGATED = re.compile(r"(?:不是|而非|并非|不属于|除了?)([\u4e00-\u9fff]{2,8}?)(?:的|之外|以外|外|[，,？?。]|$)")


def _quoted(text: str) -> list[str]:
    """Terms a question puts in quotation marks ("带“≥”号"): they are meant literally."""
    return [t for t in re.findall(r"[“\"「]([^”\"」]{1,12})[”\"」]", text) if t.strip()]


def _by_values(text: str, rows: list[Unit]) -> list[Unit]:
    """Rows filtered by what the question says of their values: a unit, no figure, above or below a number, rising or falling."""
    unit = re.search(r"(?:单位(?:是|为)|以)[“\"]?([^“”\"，。？?为的]{1,4}?)[”\"]?(?:为单位|计|的)", text)
    if unit:
        wanted = unit.group(1)
        rows = [row for row in rows if any(found[1] == wanted or found[2].endswith(wanted) for found in figures(_values(row)))]
    if NO_FIGURE.search(text):
        return [row for row in rows if not figures(_values(row).split("，")[-1])]
    threshold = THRESHOLD.search(text)
    if threshold:
        # the target column when the words before the number speak of the target, else the first (baseline) one
        limit, column = float(threshold.group("num")), -1 if "目标" in text[: threshold.start()] else 0
        above = not re.match(r"低于|少于|小于|不足|不到", threshold.group("op"))
        kept = []
        for row in rows:
            found = figures(_values(row))
            if len(found) >= 2 or (found and column == 0):
                value = found[column][0]
                if (value > limit) if above else (value < limit):
                    kept.append(row)
        return kept
    # "2025年目标比2020年实际还低": the later column against the earlier, in the direction said
    compared = _COLUMNS_COMPARED.search(text)
    if compared:
        later_first = _is_later(compared.group(1), compared.group(2))
        return [row for row in rows if _moves(row, later_first == (compared.group(3) in "低少小"))]
    trend = DECREASE.search(text) or INCREASE.search(text)
    if trend and not any(trend.group(0) in squeeze(row.body) for row in rows):
        return [row for row in rows if _moves(row, bool(DECREASE.search(text)))]
    return rows


def _values(row: Unit) -> str:
    """The values part of a rendered row ("…：2020年实际 25%，2025年目标 60%（类别：…）")."""
    return re.sub(r"（[^（）]*：[^（）]*）$", "", row.body.split("：", 1)[-1])


def _table(question: Question, candidates: list[Candidate], scorer: Scorer) -> Unit | None:
    """The table's heading unit: the one a pointer names (表1), else the table of the best-ranked row among the candidates."""
    tables = [u for u in scorer.table_headings if not question.docs or u.doc_id in question.docs]
    for pointer in question.pointers:
        named = [u for u in tables if squeeze(u.text).startswith(pointer)]
        if named:
            return named[0]
    for candidate in candidates:
        if candidate.unit.kind == Kind.TABLE_ROW:
            return next((t for t in tables if t.doc_id == candidate.unit.doc_id and (*t.path, t.text) == candidate.unit.path), None)
    return None


def _row_name(row: Unit) -> str:
    return re.sub(r"^表\s*\d+\s*第\s*\d+\s*项\s*", "", row.label)


_COLUMNS_COMPARED = re.compile(
    r"(目标|实际|现状|(?:19|20)\d\d年)[^，。？?]{0,10}?比[^，。？?]{0,12}?(目标|实际|现状|(?:19|20)\d\d年)[^，。？?]{0,6}?(?:还|更)?(低|少|小|高|多|大)"
)


def _is_later(first: str, second: str) -> bool:
    """Whether the first column a comparison names is the later one (a target, or the larger year)."""
    if first[:2].isdigit() and second[:2].isdigit():
        return first > second
    return first == "目标" or second in ("实际", "现状")


def _moves(row: Unit, falling: bool) -> bool:
    """True when the row's last figure is below (falling) or above its first one, in the same unit."""
    found = figures(_values(row))
    if len(found) < 2 or found[0][1] != found[-1][1]:
        return False
    return found[-1][0] < found[0][0] if falling else found[-1][0] > found[0][0]


# -- counts ----------------------------------------------------------------------------------------


_DOCUMENT_KIND = re.compile(r"(?:办法|条例|规定|细则|规则|意见|规划|方案|通知|决定|章程)$")
STRUCTURES = {"专栏": r"^专栏\s*\d", "表": r"^表\s*\d", "章": r"^第[一二三四五六七八九十\d]+章", "节": r"^第[一二三四五六七八九十\d]+节"}
_COUNTED_NOUN = re.compile(r"(?:几|多少)(?:个|项|条|类|处|座|家|所)([\u4e00-\u9fff]{2,12}?)(?:[？?，,。]|$|的|是|分别|有哪)")
_COUNTED_BEFORE = re.compile(r"([\u4e00-\u9fff]{2,12}?)(?:一共|共|总共)?有(?:几|多少)(?:个|项|条|类|处|座|家|所)")


def count(question: Question, candidates: list[Candidate], index: Index, scorer: Scorer, family: list[Unit]) -> Composed | None:
    """How many: headings of a kind, table rows, the units under a named heading or section, or the things a clause lists."""
    noun = counted_noun(question.text)
    if _states_count(question.text, noun, candidates):
        return None  # the documents print the number ("等7座水库"): the general answer quotes it
    structural = _structures(question, index, scorer, noun)
    if structural is not None:
        return structural
    if "指标" in question.text or (question.pointers and question.pointers[0].startswith("表")):
        counted = table_rows(question, candidates, index, scorer)
        if counted is not None:
            return counted
    listed = family or _enumerated(candidates[0])
    if len(listed) >= 2:
        return _counted(listed, candidates[0], _classifier(question.text))
    named = _named_in_clause(candidates, noun)
    if named is not None:
        return named
    summary = summarise(question, candidates, index, scorer)
    if summary is not None:
        return summary
    return None


def _states_count(text: str, noun: str, candidates: list[Candidate]) -> bool:
    """True when a top sentence gives the count itself: a figure with the question's classifier before what is counted."""
    classifier = re.search(r"(?:几|多少)(个|项|条|类|处|座|家|所|种|批)", text)
    if not classifier:
        return False
    if not noun:  # "分为几类？" of "分为基础类、完善类和提升类三类。": the count closes the clause
        pattern = re.compile(rf"{_COUNT_NUMBER}{classifier.group(1)}(?=[。；，,]|$)")
    else:
        pattern = stated_count(noun, classifier.group(1), _COUNT_NUMBER)
    return any(pattern.search(c.sentence) for c in candidates[:3])


_COUNT_NUMBER = r"(?:\d+|[一二三四五六七八九十两]+)"


def stated_count(noun: str, classifier: str, number: str) -> re.Pattern[str]:
    """A count a text states of a noun, its figure the first group: "有3市为示范城市" for 示范城市 (the noun's
    own last character may be the measure word), "共5个示范城市"."""
    measure = f"(?:{classifier}|{re.escape(noun[-1])})"
    return re.compile(rf"({number}){measure}[\u4e00-\u9fff]{{0,6}}?{re.escape(noun[-2:])}")


def counted_noun(text: str) -> str:
    """What a count question counts: "专栏2列出了几个示范园区" -> "示范园区"."""
    found = _COUNTED_NOUN.search(text) or _COUNTED_BEFORE.search(text)
    noun = re.sub(r"[啊呀呢吧吗嘛哦]+$", "", found.group(1)) if found else ""
    return re.sub(r"^(?:的|了|列出|列了|提出|一共|共|共有|总共|规划|文件)+", "", noun)


def structure_count(question: Question, index: Index, scorer: Scorer) -> Composed | None:
    """A count of the document's own structure, when the question asks for one ("一共有多少条", "几个专栏")."""
    return _structures(question, index, scorer, counted_noun(question.text))


def enumeration(best: Candidate, intent: str) -> Composed:
    """The items of the enumeration the best sentence announces, quoted in turn and counted."""
    listed = enumeration_of(best)
    writer = Writer()
    for sentence in listed:
        writer.quote(best.unit, sentence)
    items = len(listed) - (0 if ITEM.match(listed[0]) or "一是" in listed[0] else 1)
    return done(f"共{items}个方面" if intent == "count" else "", writer)


def _structures(question: Question, index: Index, scorer: Scorer, noun: str) -> Composed | None:
    """A count of the document's own structure: its 专栏, tables, chapters, sections or articles (第X条)."""
    docs = question.docs or tuple(d.id for d in index.documents)
    if len(docs) != 1:
        return None
    bare = re.search(r"(?:几|多少)个?(章|节|部分)", question.text)  # "一共有几章", "分为几个部分"
    counted = "个"
    if bare and noun in ("", bare.group(1)):
        kind = bare.group(1)
        counted = "个部分" if kind == "部分" else kind
        pattern = STRUCTURES.get(kind, r"^[一二三四五六七八九十]+、")
        units = [u for u in scorer.by_document.get(docs[0], ()) if u.kind == Kind.HEADING and re.match(pattern, u.text)]
        if kind == "部分" or not units:  # a document headed "一、…二、…" has parts where another has chapters
            own = scorer.by_document.get(docs[0], ())
            units = [u for u in own if u.kind == Kind.HEADING and not u.path and re.match(r"^[一二三四五六七八九十]+、", u.text)]
    elif noun in STRUCTURES or noun.endswith(tuple(STRUCTURES)):
        kind = next(k for k in STRUCTURES if noun.endswith(k))
        units = [u for u in scorer.by_document.get(docs[0], ()) if u.kind == Kind.HEADING and re.match(STRUCTURES[kind], u.text)]
    elif re.search(r"(?:几|多少)条", question.text) and (not noun or _DOCUMENT_KIND.search(noun)):
        # "这部办法一共有多少条": the document's articles (第X条)
        units = [u for u in scorer.by_document.get(docs[0], ()) if re.match(r"^第[一二三四五六七八九十百\d]+条", u.label)]
        counted = "条"
    else:
        return None
    # "第三章有几节": only those under the chapter the question points at
    within = [p for p in question.pointers if re.fullmatch(r"第[一二三四五六七八九十\d]+章", p)]
    units = [u for u in units if not within or any(squeeze(h).startswith(within[0]) for h in u.path)]
    if not units:
        return None
    writer = Writer()
    for unit in units[:MAX_POINTS]:
        writer.quote(unit, unit.text if unit.kind == Kind.HEADING else first_sentences(unit))
    return done(f"共{len(units)}{counted}", writer, f"共{len(units)}{counted}：")


def _enumerated(best: Candidate) -> list[str]:
    listed = enumeration_of(best)
    return listed[1:] if len(listed) > 2 and not ITEM.match(listed[0]) and listed[0].rstrip().endswith("：") else listed


def _classifier(text: str) -> str:
    """The measure word a count question uses ("几条" -> 条), for the answer to use it too."""
    found = re.search(r"(?:几|多少)(个|项|条|类|处|座|家|所|种|批)", text)
    return found.group(1) if found else "项"


def _counted(listed: list, best: Candidate, classifier: str = "项") -> Composed:
    writer = Writer()
    for item in listed:
        if isinstance(item, Unit):
            writer.quote(item, first_sentences(item))
        else:
            writer.quote(best.unit, item)
    return done(f"共{len(listed)}{classifier}", writer, f"共{len(listed)}{classifier}：")


def _named_in_clause(candidates: list[Candidate], noun: str) -> Composed | None:
    """The things of one kind a clause names, counted: each part of it that names the noun ("甲县示范园区…")."""
    if not noun:
        return None
    head = re.sub(r"^.*?([\u4e00-\u9fff]{2})$", r"\1", noun)
    for candidate in candidates[:8]:
        body = re.sub(r"^[^：]{1,20}：", "", candidate.unit.body)
        parts = [p for p in re.split(r"[。；，、]", body) if p.strip()]
        counts = {wanted: [p for p in parts if wanted in p and squeeze(p) != wanted] for wanted in (noun, head)}
        # "避险搬迁安置项目" and "避险安置项目" are both 项目: the head counts what the full noun misses
        for named in sorted(counts.values(), key=len, reverse=True)[:1]:
            if len(named) >= 2:
                writer = Writer()
                writer.quote(candidate.unit, candidate.unit.body)
                return done(f"共{len(named)}个", writer, f"共{len(named)}个：")
    return None


# -- where it is said and how it is done --------------------------------------------------------------

_LOCATE_VERBS = re.compile(r"讲了?|写在|写了|谈到|谈了|提到|涉及|说的?是")
_PLAIN_LABEL = re.compile(r"^第\d+段$")
LOCATED = 2  # a locate answer names at most this many places in the documents
SECOND_PLACE = 0.5  # the second one when its best sentence scores this share of the first's
NEAR_COVERAGE = 0.8  # ... and its titles hold this share of the topic words the first one's hold
_SECTION_CODE = re.compile(r"^(?:第[一二三四五六七八九十]+章(?:第[一二三四五六七八九十]+节)?)\s*")


def without_locator(text: str) -> str:
    """A locate question as searched: "哪一部分讲了X" searches X (its "一条" would match "走出一条…")."""
    from .analysis import LOCATE

    return _LOCATE_VERBS.sub(" ", LOCATE.sub(" ", text)).strip() or text


def _parts(unit: Unit) -> list[str]:
    """Where a unit sits, part by part: its headings and, for a clause or a titled paragraph, its own title."""
    parts = list(unit.path)
    if unit.kind in (Kind.CLAUSE, Kind.PARAGRAPH, Kind.BOX_ITEM) and unit.label:
        own = _SECTION_CODE.sub("", unit.label).rstrip("。")
        if own and not _PLAIN_LABEL.match(own) and own not in parts:
            parts.append(own)
    return parts


def location(unit: Unit) -> str:
    """Where a unit sits, in words: "第三章 … › 第二节 … › 段首句"."""
    return " › ".join(_parts(unit))


def locate(question: Question, candidates: list[Candidate], words: dict[str, float]) -> Composed | None:
    """"哪一章讲了X": the section (and clause) whose title names X — else whose text says it best — named in full,
    with the sentence that shows it; a second place when it is named as well.

    Args:
        words: the topic's words with their weights (idf); a place whose titles hold more of them comes first.
    """
    def covered(text: str) -> float:
        return sum(weight for word, weight in words.items() if word in text)

    ranked = sorted(candidates, key=lambda c: (-covered(location(c.unit)), -c.score))
    if not ranked:
        return None
    top = covered(location(ranked[0].unit))
    writer = Writer()
    named: list[str] = []
    for candidate in ranked:
        where = location(candidate.unit)
        if not where or where in named:
            continue
        if named and (covered(where) < NEAR_COVERAGE * top or candidate.score < SECOND_PLACE * ranked[0].score):
            break
        writer.quote(candidate.unit, candidate.sentence, prefix=f"《{candidate.unit.doc_title}》{where}：")
        named.append(where)
        if len(named) == LOCATED:
            break
    if not named:
        return None
    parts = _parts(ranked[0].unit)
    short = max(reversed(parts), key=covered) if top else parts[-1]
    return done(short, writer, separator="\n")


MAX_MEASURES = 5  # sentences of one clause quoted for "如何…": its measures, in order


def measures(question: Question, candidates: list[Candidate], words: frozenset[str]) -> Composed | None:
    """"如何/怎样/采取哪些措施": the measures of the clause that speaks of it, in the clause's order.

    A clause or paragraph whose lead sentence is the best match is about the topic: its sentences are
    its measures. Otherwise the best sentence's neighbours that name the topic too are quoted with it.
    None when that adds nothing to the best sentence (the general composer answers).
    """
    best = candidates[0]
    unit = best.unit
    if unit.kind not in (Kind.CLAUSE, Kind.PARAGRAPH, Kind.BOX_ITEM):
        return None
    pieces = sentences(unit.body)
    if best.order == 0:
        chosen = pieces[:MAX_MEASURES]
    else:
        chosen = [p for n, p in enumerate(pieces) if n == best.order or any(w in p for w in words)][:MAX_MEASURES]
    if len(chosen) < 2:
        return None
    writer = Writer()
    for piece in chosen:
        writer.quote(unit, piece)
    return done("", writer)


# -- direct answers --------------------------------------------------------------------------------


# How a plan states a reason or purpose: "…是…的需要", "…的要求", "为…，", "旨在", "有利于".
_REASON = re.compile(
    r"需要|要求|必然|迫切|意义|目的|旨在|为了|因为|由于|有利于|有助于|关键|根本|基础|前提|保障|"
    r"^为[^，。；]{2,30}，|[，；]为[^，。；]{2,20}(?:增添|提供|奠定|创造|打下)|让[^，。；]{2,20}更加"
)
REASON_BONUS = 0.1  # added to a sentence that states a reason, for a why-question


def reasons_first(candidates: list[Candidate]) -> list[Candidate]:
    """A why-question's candidates with the sentences that state a reason or purpose lifted."""
    return _lifted(candidates, [_REASON], REASON_BONUS)


def _lifted(candidates: list[Candidate], patterns: list[re.Pattern], bonus: float) -> list[Candidate]:
    """The candidates, best first, those matching one of the patterns raised by `bonus`."""
    raised = [replace(c, score=c.score + bonus) if any(p.search(c.sentence) for p in patterns) else c for c in candidates]
    return sorted(raised, key=lambda c: -c.score)


# "X是指什么", "X是什么意思", "X包括哪些", "X指的是什么样的…": the question asks what X is.
DEFINITION = re.compile(r"是指|指的是|具体指|什么意思|的含义|的定义|的内涵|是什么样的|包括哪些|包括什么|[”\"]是什么")
# "X有哪些", "X是哪几个": the members of X, which a sentence saying what X is (X包括…, X为…) lists
MEMBERS = re.compile(r"有哪些|是哪些|是哪几|有哪几|都有哪|包括哪")
DEFINE_BONUS = 0.12  # added to a sentence that says what a term of the question is
_SAYS_WHAT = r"(?:[”\"])?(?:是|指|即|为|系|包括|主要包括|涵盖|分为|[：:])"
_DESCRIBED = r"(?:[^，。；]{6,}?(?:的|等)[“\"]?)"


def definitions_first(candidates: list[Candidate], terms: list[str]) -> list[Candidate]:
    """A definition question's candidates with the sentences that say what one of its terms is lifted.

    A sentence says what X is when X is followed by 是/指/即/为/包括/： ("X为A、B和C") or preceded by
    a description that ends in 的 or 等 ("集A、B于一体的“X”", "A、B、C等X").
    """
    patterns = [
        re.compile(f"{re.escape(term)}{_SAYS_WHAT}|{_DESCRIBED}{re.escape(term)}") for term in terms if len(term) >= 3
    ]
    return _lifted(candidates, patterns, DEFINE_BONUS)


def direct(question: Question, answer: str, citations: tuple[Citation, ...], scorer: Scorer) -> str:
    """The short answer of a number or yes/no question from its composed answer and citations, or ""."""
    plain = re.sub(r"\[\d+\]", "", answer)
    if question.intent == "yesno":
        return yes_or_no(question, citations, scorer, plain)
    if question.intent == "count":
        stated = re.search(r"(?<![第\d])(?:\d+|[一二三四五六七八九十两]+)(?:个|项|条|类|处|座|家|所|种|批|市|县|区)(?![级长委])", plain)
        return stated.group(0) if stated else ""
    if question.intent in ("sum", "difference"):
        return ""  # its calculation was not found: one quoted figure is not the sum or difference asked for
    if question.wants_number:
        fitting = [
            (at, printed)
            for at, (_, unit, printed) in figures_at(plain)
            if not question.shape.units or unit in question.shape.units or any(u.endswith(unit) for u in question.shape.units)
        ]
        # "沛县的…有多少户" of "贾汪区…共1363户，沛县…共1946户": the figure after the place asked, in its clause
        for place in question.places:
            for mention in re.finditer(re.escape(place), plain):
                clause = re.split(r"[，,；;。]", plain[mention.end() :])[0]
                after = [printed for at, printed in fitting if mention.end() <= at <= mention.end() + len(clause)]
                if after and len(fitting) > 1:
                    return after[0]
        # a figure the question states itself ("从18万套增加到多少") is what it starts from, not what it asks
        stated = {printed for _, (_, _, printed) in figures_at(question.text)}
        fitting = [(at, printed) for at, printed in fitting if printed not in stated] or fitting
        # "2025年的目标是多少" of "2020年实际 45.2%，2025年目标 50.5%": the figure right after the asked year
        for year in question.years:
            for mention in re.finditer(f"{year}年", plain):
                after = [printed for at, printed in fitting if 0 <= at - mention.end() <= YEAR_REACH]
                if after:
                    return after[0]
        # "…的目标值为多少" of a row with two columns: the figure right after the one column the question names
        columns = {m.group(0) for m in COLUMN.finditer(question.text) if not YEAR_IN.fullmatch(m.group(0))}
        for column in columns if len(columns) == 1 else ():
            for mention in re.finditer(column, plain):
                after = [printed for at, printed in fitting if 0 <= at - mention.end() <= YEAR_REACH]
                if after:
                    return after[0]
        if fitting:
            return fitting[0][1]
    return ""


def _contradicts_bound(asked: str, text: str) -> bool:
    """"可以低于40%吗" when the evidence says "不低于40%": the same bound with the other polarity, and never this one."""
    for bound in _BOUND.finditer(asked):
        negated, word = bool(bound.group(1)), bound.group(2)
        said = [bool(m.group(1)) for m in _BOUND.finditer(text) if m.group(2) == word]
        if said and negated not in said:
            return True
    return False


def _reverses_direction(asked: str, text: str) -> bool:
    """"由A向B转变吗" when the evidence says "由B向A转变"."""
    direction = _DIRECTION.search(asked)
    if not direction:
        return False
    start, end = (squeeze(part) for part in direction.groups())
    return bool(re.search(f"[由从][^。；]*?{re.escape(end)}[^。；]*?(?:向|到|转向|转为){re.escape(start)}", text))


_RATIO = re.compile(r"(\d+(?:\.\d+)?)\s*[∶:：比]\s*(\d+(?:\.\d+)?)(?:\s*[∶:：比]\s*(\d+(?:\.\d+)?))?")


def _ratio(found: re.Match[str]) -> tuple[str, ...]:
    return tuple(g for g in found.groups() if g)


def _figure_verdict(claim: str, answer: str) -> str:
    """是 or 否 by the figures the claim states, read in the quoted sentence most like the claim; "" when they say nothing.

    "对社区服务站每个补助20万元，对吗" of "对社区服务站给予每个10万元建设补助；": the sentence on the
    claim's subject gives its figure in the same unit otherwise, so 否; with 10万元, 是, however the rest of
    the claim is worded ("老人每月发100元" of "每人每月100元"). "有5个…城市" against "有4市为…城市" is 否 too.
    """
    stated = [(value, unit) for value, unit, _ in figures(claim) if not YEAR_IN.fullmatch(f"{number(value)}{unit}")]
    pieces = [p for p in re.split(r"[。；;]", squeeze(answer)) if p]
    if stated and pieces:
        best = max(pieces, key=lambda p: shared(squeeze(claim), p))
        given = {(value, unit) for value, unit, _ in figures(best)}
        if any(unit in {u for _, u in given} and (value, unit) not in given for value, unit in stated):
            return "否"
        if all(figure in given for figure in stated):
            return "是"
    counted = re.search(r"(\d+)\s*个([\u4e00-\u9fff]{2,8}?)(?:[，,。？?]|$)", claim)
    if counted:
        said = stated_count(counted.group(2), "个", r"\d+").search(squeeze(answer))
        if said:
            return "否" if said.group(1) != counted.group(1) else "是"
    return ""


def yes_or_no(question: Question, citations: tuple[Citation, ...], scorer: Scorer, quoted: str = "") -> str:
    """是 or 否 for a yes/no question, from the cited units and the sentences `quoted` from them.

    否 when the evidence does not bear out what the question asserts: a term it quotes, a figure or
    year it states that the evidence gives otherwise (or that the quoted sentences give otherwise, in
    the same unit), a comparison the figures contradict, or a content word of its claim that the cited
    units lack while they speak of its subject.
    """
    text = squeeze("".join(c.unit.body + "".join(c.unit.path) + c.unit.label for c in citations))
    if any(squeeze(term) not in text for term in _quoted(question.text)):
        return "否"
    stated = [n for n in question.numbers if re.search(r"\d", n)]
    if stated and figures(text) and not any(n.rstrip("%") in text for n in stated):
        return "否"
    by_figures = _figure_verdict(question.text, quoted) if quoted else ""
    if by_figures == "否":
        return "否"
    if any(f"{year}年" not in text for year in question.years) and re.search(r"(?:19|20)\d{2}年", text):
        return "否"
    # "按6∶4分担的吗" when the evidence says 4∶6: a ratio is its figures in their order
    ratios = {_ratio(m) for m in _RATIO.finditer(question.text)}
    if ratios and not ratios <= {_ratio(m) for m in _RATIO.finditer(text)} and _RATIO.search(text):
        return "否"
    if _contradicts_bound(question.text, text) or _reverses_direction(question.text, text):
        return "否"
    compared = re.search(r"比.{0,20}?(高|多|大|长|低|少|小|短)", question.text)
    found = figures(_values(citations[0].unit)) if citations and citations[0].unit.kind == Kind.TABLE_ROW else []
    if compared and len(found) >= 2:
        rising = compared.group(1) in "高多大长"
        return "是" if (found[-1][0] > found[0][0]) == rising else "否"
    if by_figures == "是":
        return "是"  # the figure the claim states is the one its sentence gives: its other words paraphrase
    words = [w for w in scorer.tokenizer.content_words(question.focus) if len(w) >= 2 and w not in _CLAIM_FRAME]
    words = [w for w in words if w not in question.places]
    # a claim about a place is judged by the sentences that name the place ("宿迁市（再生型城市）")
    about = [squeeze(s) for c in citations for s in sentences(c.unit.body) if any(p in s for p in question.places)]
    claim_text = "".join(about) or text
    lacking = [w for w in words if w not in claim_text]
    speaks = [w for w in (*words, *question.places) if w in claim_text]  # the evidence is about the question's subject
    unknown = [w for w in lacking if not scorer.df.get(w)]
    if lacking and speaks and 2 * len(unknown) >= len(lacking):
        # "要不要搭个班子…": a claim worded mostly in words the documents never use cannot be contradicted
        # by them; the reply quotes what they say and leaves the judgement to the reader
        return ""
    return "否" if lacking and speaks else "是"
