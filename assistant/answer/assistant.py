"""Answer: the public `Assistant` — resolve, search, then compose a cited extractive answer or refuse.

Every statement in an answer is a sentence quoted verbatim from a unit and ends with the marker
of that unit; a question the documents do not answer gets `found=False` and the nearest units.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..config import Settings
from ..corpus.headings import chinese_number
from ..indexing.build import ensure_index
from ..indexing.store import Index, load_index
from ..records import Citation, Hit, Reply
from ..search.backend import open_backend
from ..search.retriever import Retriever
from ..search.steering import SteeredRetriever
from . import arithmetic, choices, english, intents
from .analysis import FRAME_WORDS, Question, analyse
from .answerability import Checker
from .comparison import Comparer, is_frame
from .composition import Composed, Writer, compose, enumeration_of, named_family
from .conversation import Resolution, Resolver
from .evidence import Scorer
from .question import QuestionShape, Refusal, clean_question, sentences, shape_of, unmarked
from .summaries import outline, pointed_article, summarise

SEARCH_K = 8
LONG_QUESTION = 60  # characters: a question this long is usually context pasted before the question asked
# A word of a "如何…" question this rare (ln of units per unit containing it; ~1 unit in 12) names its
# topic; "老矿区", "转型" run through a whole plan and pick out nothing.
TOPIC_IDF = 2.5
ITEM_SENTENCES = 4  # sentences quoted when a follow-up asks for one item of an earlier list in full
# "第一条具体怎么说？", "那第三项呢？": a follow-up that points at an item of the earlier answer.
ORDINAL = re.compile(r"^(?:那么?|其中)?第([一二三四五六七八九十\d]+)(?:条|项|个|点|方面|部分)")
QUESTION_CUE = re.compile(r"[？?]|多少|哪些|哪几|什么|怎么|如何|是否|吗|呢")
# A refusal quotes what the documents do say when their best sentence matches the question this well.
SAID_SCORE = 0.3
_MARKER = re.compile(r"\[(\d+)\]")
_REASON = re.compile(r"^文件中没有找到能回答这个问题的内容（(.+?)）。")  # the reason a refusal's first line gives
_QUOTED = re.compile(r"[^\[\]\n]+\[\d+\]")  # a quoted sentence with its marker
_QUOTED_REF = re.compile(r"([^\[\]\n]+?)\[(\d+)\]")  # ... its text and its reference
PART_CUE = re.compile(QUESTION_CUE.pattern + r"|多大|多长|多高|多远|多久|几|谁|哪|何")
# question words and pronouns ("几个", "这项") are not what a part is about
_ASKS = re.compile(r"多少|几[个项处家户年倍成条类]?(?=[？?，,]|$)|哪些|哪个|哪几|什么|是否|何时|多大|多长|多高|怎么|如何|吗[？?]?$")
_ASKING = re.compile(r"^(?:几|多少|多大|哪|什么|这|那|该|其|它)")
COVERED = 0.5  # share of a part's words an answer to the whole question must quote to answer that part too
MAX_KEYWORDS = 12  # characters of an unpunctuated text without an asking word that is keywords, not a statement
MIN_PART = 4  # characters of a question sentence that asks something of its own (not "是吗？")
MAX_PARTS = 4  # more question marks than this is pasted text, not questions asked in a row
UNDECIDED = "文件没有用问题中的说法直接作答，相关表述是："  # a yes/no question worded unlike the documents
ENGLISH_UNREAD = "没有读懂这个英文问题中的词语，请用中文提问。"
PROMPT = "请输入一个问题，例如：“江苏规划提出的采煤沉陷区治理目标是多少？”"
UNCLEAR = "这个问题接着上文在问，但没有上文可循。请把问题说完整：写明问的是哪个地区、哪个事项。"
UNCLEAR_NOTICE = "问题缺少所指的对象（如“那沛县呢？”“它的面积是多少？”），请补充完整后再问。"
FACT = QuestionShape("fact")
# "哪份文件提的", "是哪个规划里的说法": the document is what is asked
_WHICH_DOCUMENT = re.compile(r"哪(?:一)?(?:份|个|部|篇)(?:文件|规划|意见|方案|通知|办法|条例|规定|政策文件)")
_TABLE_CONTEXT = re.compile(r"表\s*\d|指标")  # an earlier question about a table's rows
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]")
_CJK = re.compile(r"[\u3400-\u9fff]")


def _keywords(text: str) -> bool:
    """Bare keywords ("人才支撑 老矿区", "避险安置"): no asking word, a few words and no sentence."""
    return not PART_CUE.search(text) and not re.search(r"[。，,；;！!]", text) and (len(text) <= MAX_KEYWORDS or len(text.split()) >= 2)


def _enumerates(best) -> bool:
    """True when the best sentence opens a list the general composer quotes whole ("…问题：一是…")."""
    return len(enumeration_of(best)) > 1


def question_parts(text: str) -> list[str]:
    """The questions of "A是多少？B呢？" in order; one part for a question asked once (or pasted context).

    Each part must end with a question mark, carry a question cue and be long enough to ask on its own;
    a long text is pasted context around one question, which `_asked_part` reads.
    """
    if len(text) > 2 * LONG_QUESTION:
        # pasted context before "…：A是多少，到2025年要达到多少？": the questions after the colon
        tail = re.split(r"[：:]", text)[-1].strip()
        halves = _comma_parts(tail) if len(tail) <= LONG_QUESTION else []
        return halves if len(halves) > 1 else [text]
    parts = [p.strip() for p in re.split(r"(?<=[？?])", text) if p.strip()]
    if len(parts) == 1:
        halves = _comma_parts(parts[0])
        return halves if len(halves) > 1 else [text]
    if not 1 < len(parts) <= MAX_PARTS:
        return [text]
    if all(p[-1] in "？?" and len(p) >= MIN_PART and PART_CUE.search(p[:-1]) for p in parts):
        return parts
    return [text]


def _comma_parts(question: str) -> list[str]:
    """"A是多少，到2025年要达到多少？": two questions in one sentence, split at the comma before the second asking word.

    Each half must ask (多少, 哪些, 是否 …) and be long enough to ask on its own; the second often
    leans on the first ("到2025年要达到多少"), which the follow-up reading resolves.
    """
    if not question.endswith(("？", "?")):
        return [question]
    pieces = re.split(r"(?<=[，,])", question)
    asking = [i for i, piece in enumerate(pieces) if _ASKS.search(piece)]
    if len(asking) != 2:
        return [question]
    first, second = "".join(pieces[: asking[1]]).rstrip("，, ") + "？", "".join(pieces[asking[1] :]).strip()
    if len(first) < MIN_PART + 1 or len(second) < MIN_PART or pieces[asking[1]].strip().startswith(("还是", "或者", "或")):
        return [question]
    if len(_BARE.sub("", second)) < 2:
        # "…，到2025年要达到多少？" names no subject: it is the first half's
        # (from the question after any pasted context: "…领导让我核对：A是多少，到2025年要达到多少？")
        subject = re.sub(r"(?:是|为|有|要|将|达到)*(?:多少|几|哪些|什么|多大).*$", "", re.split(r"[：:。；]", first)[-1])
        subject = re.sub(r"^[“\"]?(?:十[一二三四五六七八九]五[”\"]?(?:末|期间|时期)?|(?:19|20)\d{2}年(?:底|末)?)[，,]?", "", subject)
        second = subject + second if len(subject) >= 2 else second
    return [first, second]


# What is left of a question half that names no subject: times, asking and linking words.
_BARE = re.compile(
    r"(?:19|20)\d{2}年(?:底|末)?|十[一二三四五六七八九]五|[“”\"？?，,。]|到|至|要|将|能|可以|需要|达到|达|是|为|有|增加|提高|"
    r"多少|几|哪些|什么|多大|了|的|呢|还|又|再|那|则"
)


class Assistant:
    """Answers questions over an index. `ask` never raises for bad questions: it returns a Reply."""

    def __init__(self, index: Index, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.index = index
        self.backend = open_backend(self.settings, index)  # candidates, units and corpus statistics
        self.retriever = SteeredRetriever(Retriever(index, backend=self.backend))
        self.scorer = Scorer(index, self.backend)
        self.resolver = Resolver(index)
        self.checker = Checker(index, self.scorer)
        self.comparer = Comparer(index, self.retriever, self.scorer, SEARCH_K)
        self._llm = None

    @classmethod
    def load(cls, settings: Settings | None = None, build: bool = False) -> Assistant:
        """Loads the index (building it first when `build` and it is missing or stale).

        Raises:
            IndexNotBuilt, IndexStale, IndexDamaged: without `build`, when the index is not usable.
        """
        settings = settings or Settings.from_env()
        index = ensure_index(settings) if build else load_index(settings)
        return cls(index, settings)

    @property
    def llm(self):
        """The optional LLM writer, created on first use when an endpoint is configured."""
        if self._llm is None and self.settings.llm_enabled:
            from .llm import LLMWriter

            self._llm = LLMWriter(self.settings)
        return self._llm

    def resolve(self, question: str, history: list[str] | tuple[str, ...] | None = ()) -> Resolution:
        """What is searched for a question in its conversation (the app, the CLI and the evaluation use this)."""
        return self.resolver.resolve(question, history)

    def ask(self, question: str, history: list[str] | tuple[str, ...] | None = None, doc: str | None = None) -> Reply:
        """Answers a question, citing the unit behind every sentence.

        Args:
            question: the user's question (any text; bad input gets a helpful reply).
            history: earlier user questions of the conversation, oldest first.
            doc: only this document id (None: all documents).

        Returns:
            A Reply; `found` is False when the documents do not answer the question.

        Raises:
            CorpusError: `doc` is not a document of the index.
        """
        text = clean_question(question)
        if doc:
            self.index.doc_range(doc)  # unknown ids fail loudly: it is a caller's mistake
        if not _WORDLIKE.search(text):
            return Reply(question=text, query="", answer=PROMPT, found=False)
        if english.is_english(text):
            return self._english(text, history, doc)
        parts = question_parts(text)
        whole = self._answer(text, history, doc)
        if len(parts) == 1 or (whole.found and all(self._covers(whole, part) for part in parts)):
            return whole
        # two questions read out of one sentence must both be answered, else the sentence is answered as one
        one_sentence = len([p for p in re.split(r"(?<=[？?])", text) if p.strip()]) == 1
        several = self._several(text, parts, history, doc, all_or_none=one_sentence)
        return several if several is not None else whole

    @property
    def english_reader(self) -> english.Reader:
        return self.resolver.english

    def _english(self, text: str, history: list[str] | tuple[str, ...] | None, doc: str | None) -> Reply:
        """An English question: answered in Chinese as the Chinese question it reads as, which the notice shows."""
        reading = self.english_reader.read(text)
        if not reading.chinese:
            if not reading.unread:
                return Reply(question=text, query="", answer=ENGLISH_UNREAD, found=False, notice=ENGLISH_UNREAD)
            words = "、".join(reading.unread)
            answer = f"文件中没有找到能回答这个问题的内容（英文问题中的“{words}”在文件中没有对应的内容）。可以换用中文提问。"
            return Reply(question=text, query="", answer=answer, found=False, notice=f"未能识别的词：{words}。")
        reply = self.ask(reading.chinese, history, doc)
        unread = f"（未能识别的词：{'、'.join(reading.unread)}）" if reading.unread else ""
        notice = f"英文问题按“{reading.chinese}”检索{unread}，以中文作答。{reply.notice}"
        return replace(reply, question=text, notice=notice)

    def _covers(self, reply: Reply, part: str) -> bool:
        """Whether an answer speaks to one of the questions asked with others: it quotes most of the part's words."""
        words = [
            w for w in self.index.tokenizer.content_words(part)
            if len(w) >= 2 and not is_frame(w) and w not in FRAME_WORDS and not _ASKING.match(w)
        ]
        quoted = reply.answer + "".join(c.unit.body for c in reply.citations)
        if any(year not in quoted for year in re.findall(r"(?:19|20)\d{2}年", part)):
            return False  # "…是多少，到2025年要达到多少？": an answer without 2025年 does not answer the second
        return not words or sum(w in quoted for w in words) >= COVERED * len(words)

    def _answer(self, text: str, history: list[str] | tuple[str, ...] | None, doc: str | None) -> Reply:
        """The answer to one question (cleaned, not empty)."""
        ordinal = ORDINAL.match(text)
        if ordinal and history:
            return self._nth_item(text, ordinal, history, doc)
        resolution = self._asked_part(self.resolver.resolve(text, history))
        if resolution.unclear:
            return Reply(question=text, query=resolution.shown, answer=UNCLEAR, found=False, notice=UNCLEAR_NOTICE)
        # a long question is read for the part it asks (its pasted context would set the units)
        read = resolution.focus or (resolution.shown if len(text) > LONG_QUESTION and resolution.rewritten else text)
        shape = shape_of(read, resolution.shown, self.retriever)
        places = self.index.tokenizer.places(resolution.shown)
        asked = analyse(resolution.query, resolution.focus or resolution.shown, self.retriever, places, doc, shape)
        if asked.intent == "comparison" and doc is None:
            return self._compare(text, resolution, asked)
        parties = self.comparer.parties(resolution.shown, places) if doc is None else []
        compared = self._compare(text, resolution, asked, parties) if parties else None
        if compared is not None and compared.found:
            return compared  # (else the question is answered as asked: its sides found nothing to compare)
        # the document a question names is a constraint, not a preference
        scope = doc or (asked.docs[0] if asked.docs else None)
        if asked.intent == "count":
            structural = intents.structure_count(asked, self.index, self.scorer)
            if structural is not None:  # "一共有多少条": the document's own structure answers, whatever matches its words
                return self._reply(text, resolution, structural)
        searched = intents.without_locator(resolution.query) if asked.intent == "locate" else resolution.query
        hits = self.retriever.search(searched, k=SEARCH_K, doc=scope)
        candidates = self.scorer.candidates(searched, hits, shape, resolution.focus)
        follow_up = bool(history) and resolution.rewritten
        listed = choices.not_listed(asked, candidates) if asked.intent == "negative" else None
        if listed is not None:  # its options name places and things on purpose: the list that holds the rest answers
            return self._reply(text, resolution, listed)
        pointed = summarise(asked, candidates, self.index, self.scorer) if asked.intent == "summary" and asked.pointers else None
        if pointed is not None:  # "第四部分讲的是什么": the section it points at answers, whatever its words score
            return self._reply(text, resolution, pointed)
        refusal = self.scorer.refusal(resolution.query, shape, candidates) or self.checker.refusal(asked, candidates, follow_up)
        if refusal is not None and refusal.detail and asked.intent == "yesno" and candidates and candidates[0].score >= SAID_SCORE:
            # "规划期是到2030年吗？": the year is not the documents', so the answer is 否, with what they do say
            answer, citations = compose(candidates, shape, self.index, resolution.query, resolution.focus)
            said = f"否。文件的表述是：{answer}"
            return Reply(question=text, query=resolution.shown, answer=said, found=True, citations=citations, short="否")
        if refusal is not None:
            return self._refuse(text, resolution.shown, hits, refusal, candidates)
        composed = self._compose(asked, candidates, resolution)
        if not composed.found:
            return self._refuse(text, resolution.shown, hits, Refusal(composed.answer.rstrip("。"), cite=True), candidates)
        reply = self._reply(text, resolution, composed)
        if self.llm is not None:
            # the cited units first (a list answer may cite units outside the hits), then the other hits
            units = {u.id: u for u in [*(c.unit for c in composed.citations), *(h.unit for h in hits)]}
            reply = self.llm.rewrite(reply, list(units.values()))
        return reply

    def _several(
        self, text: str, parts: list[str], history: list | tuple | None, doc: str | None, all_or_none: bool = False
    ) -> Reply | None:
        """"A是多少？B呢？": each question answered in turn (a later one may lean on an earlier), one reply.

        The citations are renumbered across the parts; a part the documents do not answer is named in
        the notice with the reason, and the reply is found when any part is.
        """
        earlier = list(history or [])
        replies = []
        for part in parts:
            replies.append(self.ask(part, earlier, doc))
            earlier.append(part)
        if all_or_none and not all(r.found for r in replies):
            return None
        if not any(r.found for r in replies):
            first = replies[0]
            return Reply(question=text, query=first.query, answer=first.answer, found=False, related=first.related, notice=first.notice)
        refs: dict[str, int] = {}
        citations: list[Citation] = []
        lines: list[str] = []
        unanswered = []
        for part, reply in zip(parts, replies, strict=True):
            if not reply.found:
                reason = _REASON.search(reply.answer)
                unanswered.append(f"文件没有回答“{part}”（{reason.group(1) if reason else '未找到相关内容'}）。")
                continue
            mapping = {}
            for citation in reply.citations:
                if citation.unit.id not in refs:
                    refs[citation.unit.id] = len(citations) + 1
                    citations.append(Citation(refs[citation.unit.id], citation.unit, citation.quote))
                mapping[citation.ref] = refs[citation.unit.id]
            line = _MARKER.sub(lambda m, table=mapping: f"[{table.get(int(m.group(1)), m.group(1))}]", reply.answer)
            said = "".join(lines)
            # "面积多大？涉及多少人？": one sentence may answer both, and is quoted once
            fresh = [piece for piece in _QUOTED.findall(line) if piece.strip() not in said]
            if fresh:
                lines.append("".join(fresh).strip() if len(fresh) < len(_QUOTED.findall(line)) else line)
        short = "；".join(r.short for r in replies if r.found and r.short)
        query = " ／ ".join(r.query for r in replies)
        notice = "".join(dict.fromkeys([*unanswered, *(r.notice for r in replies if r.notice)]))
        answer = "\n".join(lines)
        return Reply(question=text, query=query, answer=answer, found=True, citations=tuple(citations), short=short, notice=notice)

    @staticmethod
    def _reply(text: str, resolution: Resolution, composed: Composed) -> Reply:
        return Reply(
            question=text, query=resolution.shown, answer=composed.answer, found=True, citations=composed.citations, short=composed.short
        )

    def _asked_part(self, resolution: Resolution) -> Resolution:
        """A long pasted question is answered for its last question sentence; the documents its context names stay named.

        "我在写一份汇报材料，前面已经写了…。现在还要补一句：X和Y一共涉及多少人？" asks only the last sentence;
        the figures quoted before it are context, not part of what is asked.
        """
        shown = resolution.shown
        if len(shown) <= LONG_QUESTION or resolution.rewritten:
            return resolution
        parts = [p for p in re.split(r"(?<=[。！？?；;])", shown) if p.strip()]
        asked = next((p for p in reversed(parts) if QUESTION_CUE.search(p)), parts[-1] if parts else shown)
        asked = re.sub(r"^.{0,12}?[：:]", "", asked).strip() or asked
        # "…领导让我核对一下省里规划对X的要求：“十三五”末X是多少，到2025年要达到多少？": what follows the colon
        after = re.split(r"[：:]", asked)[-1].strip()
        if len(asked) > LONG_QUESTION and QUESTION_CUE.search(after) and len(after) >= MIN_PART:
            asked = after
        named = [d for d in self.index.documents if d.id in self.retriever.named_documents(shown)]
        if len(named) >= 2 and len(self.retriever.named_documents(asked)) < 2:
            asked = "、".join((d.aliases or (d.short,))[0] for d in named) + "：" + asked
        return Resolution(asked, asked, True) if asked != shown else resolution

    def _nth_item(self, text: str, ordinal: re.Match[str], history: list | tuple, doc: str | None) -> Reply:
        """"第一条具体是怎么说的？" after a list: the nth item of the earlier answer, quoted more fully."""
        earlier = self.ask(history[-1], list(history[:-1]), doc=doc)
        number = chinese_number(ordinal.group(1))
        shown = f"{earlier.query}——{text}"
        writer = Writer()
        if earlier.found and 1 <= number <= len(earlier.citations) and len(earlier.citations) > 1:
            unit = earlier.citations[number - 1].unit
            for sentence in sentences(unit.body)[:ITEM_SENTENCES]:
                writer.quote(unit, sentence)
            return Reply(question=text, query=shown, answer=writer.text(), found=True, citations=tuple(writer.citations), short=unit.label)
        # one unit's "一是…；二是…；三是…" quoted as sentences: the nth of them is the item
        quoted = [(m.group(1), int(m.group(2))) for m in _QUOTED_REF.finditer(earlier.answer)] if earlier.found else []
        if not 1 <= number <= len(quoted) or len(quoted) < 2:
            return Reply(question=text, query=text, answer=UNCLEAR, found=False, notice=UNCLEAR_NOTICE)
        sentence, ref = quoted[number - 1]
        unit = next(c.unit for c in earlier.citations if c.ref == ref)
        # (the answer's own opening, "共3项：", is no part of the quote)
        sentence = next((sentence[i:] for i in range(len(sentence)) if sentence[i:].strip() in unit.body), "")
        if len(sentence.strip()) < MIN_PART:
            return Reply(question=text, query=text, answer=UNCLEAR, found=False, notice=UNCLEAR_NOTICE)
        writer.quote(unit, sentence)
        return Reply(question=text, query=shown, answer=writer.text(), found=True, citations=tuple(writer.citations))

    def _compose(self, asked: Question, candidates: list, resolution: Resolution) -> Composed:
        """The answer by intent; the general composer when the intent's structure is not in the evidence."""
        intent, index = asked.intent, self.index
        family = named_family(resolution.focus or resolution.query, candidates, index) if intent in ("count", "list") else []
        special = pointed_article(asked, candidates, self.scorer) if intent in ("fact", "list", "summary", "method") else None
        if special is not None:
            return special
        # a summary of a named document: its section, else ("这份通知主要从哪几个方面…") the document's own points
        named_summary = summarise(asked, candidates, index, self.scorer) if intent == "summary" and asked.docs else None
        if intent == "summary" and asked.docs and named_summary is None:
            special = outline(asked, self.scorer)
        if special is not None:
            return special
        if intent == "superlative":
            special = choices.superlative(asked, candidates, self.scorer)
        elif intent in ("summary", "count") and not family and _enumerates(candidates[0]):
            special = intents.enumeration(candidates[0], intent)  # "主要有三个方面：一是…；二是…" is the answer
        elif intent in ("list", "count") and resolution.context and _TABLE_CONTEXT.search(resolution.context):
            # a follow-up "其中哪些是约束性的？" after a question on 表1 asks over its rows
            special = intents.table_rows(asked, candidates, index, self.scorer)
        elif intent == "summary" and asked.docs:
            special = named_summary
        elif intent == "summary" or (intent == "list" and not family and not _enumerates(candidates[0])):
            special = summarise(asked, candidates, index, self.scorer)
        elif intent == "table" or (intent in ("list", "count") and "指标" in asked.text):
            special = intents.table_rows(asked, candidates, index, self.scorer)
        elif intent == "count":
            special = intents.count(asked, candidates, index, self.scorer, family)
        elif intent == "number" and "分别" in asked.text:
            special = arithmetic.per_operand(asked, candidates)
        elif intent == "locate":
            words = index.tokenizer.content_words(intents.without_locator(resolution.focus or asked.focus))
            special = intents.locate(asked, candidates, {w: self.scorer.idf(w) for w in words if len(w) >= 2})
        elif intent == "method" or (intent == "fact" and _keywords(asked.text)):
            # ("人才支撑 老矿区": bare keywords ask what the clause on them says, as "如何…" does)
            words = index.tokenizer.content_words(resolution.focus or asked.focus)
            special = intents.measures(asked, candidates, frozenset(w for w in words if len(w) >= 2 and self.scorer.idf(w) >= TOPIC_IDF))
        elif intent in ("sum", "difference"):
            special = arithmetic.arithmetic(asked, candidates, self.index.tokenizer.places(" ".join(c.sentence for c in candidates[:30])))
        if special is not None:
            return special
        if intent == "reason":
            candidates = intents.reasons_first(candidates)
        elif intents.DEFINITION.search(asked.text) or (intent in ("list", "place") and intents.MEMBERS.search(asked.text)):
            quoted = re.findall(r"[“\"]([^”\"]{2,20})[”\"]", asked.text)
            terms = [*quoted, *(w for w in index.tokenizer.content_words(asked.focus or asked.text) if not is_frame(w))]
            candidates = intents.definitions_first(candidates, terms)
        if intent == "time":
            candidates = choices.with_time_scope(candidates)
        answer, citations = compose(candidates, asked.shape, index, resolution.query, resolution.focus)
        short = intents.direct(asked, answer, citations, self.scorer)
        if _WHICH_DOCUMENT.search(asked.text) and citations:
            # "这是哪份文件提的？": the documents of the quoted evidence are the answer
            titles = list(dict.fromkeys(c.unit.doc_title for c in citations))
            short = "、".join(f"《{t}》" for t in titles)
            return Composed(short, f"{short}。原文：{answer}", citations)
        if asked.intent == "yesno":
            # the direct answer opens the reply; its evidence follows in the same statement
            opening = {"否": "否。文件的表述是：", "": UNDECIDED}.get(short, f"{short}。")
            answer = opening + answer
        return Composed(short, answer, citations)

    def _compare(self, text: str, resolution: Resolution, asked: Question, parties: list[list[str]] | None = None) -> Reply:
        """A comparison's reply: each document's part, or a refusal when none speaks to the topic."""
        composed = self.comparer.compare(resolution, parties)
        if not composed.found:
            hits = self.retriever.search(resolution.query, k=SEARCH_K)
            return self._refuse(text, resolution.shown, hits, Refusal("两份文件都没有涉及该内容"), [])
        return self._reply(text, resolution, composed)

    def _refuse(self, question: str, query: str, hits: list[Hit], refusal: Refusal, candidates: list) -> Reply:
        related = tuple(hits[:3])
        lines = [f"文件中没有找到能回答这个问题的内容（{unmarked(refusal.reason)}）。", f"检索内容：{unmarked(query)}"]
        if not _CJK.search(query):
            lines.append("文件是中文的，请用中文提问，例如：“采煤沉陷区治理的目标是多少？”")
        citations: tuple[Citation, ...] = ()
        said = candidates[0] if refusal.cite and candidates and candidates[0].score >= SAID_SCORE else None
        if said is not None:
            # what the documents do say on it, cited, so the refusal can be checked too
            citations = (Citation(1, said.unit, said.sentence.strip()),)
            lines.append(f"文件提到的是：{said.sentence.strip()}[1]")
        if related:
            lines.append("以下条款可能相关：" + "；".join(f"《{h.unit.doc_title}》{h.unit.label}" for h in related) + "。")
        return Reply(question=question, query=query, answer="\n".join(lines), found=False, related=related, citations=citations)
