"""LLM: an optional writer that rephrases the extractive answer through an OpenAI-compatible endpoint, then checks every citation.

The model sees only the retrieved units, numbered [1]..[n], and must end each sentence with the
number of the unit that says it. What comes back is not trusted: a sentence is kept only when
each of its markers names a unit, those units contain the sentence (character bigrams and
every number) and it agrees with the sentences it cites (faithfulness.judge: no negation,
antonym, swapped figure, place or year, no added claim). Anything else falls back to the extractive reply with a notice; nothing raises.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from dataclasses import replace
from typing import TYPE_CHECKING

from ..records import Citation, Reply, Unit
from .faithfulness import THOUSANDS, WORD, arabic, as_cited, judge
from .question import sentences, split_sentences

if TYPE_CHECKING:
    from ..config import Settings

log = logging.getLogger(__name__)

# Share of a sentence's character bigrams (markers, punctuation and spaces removed) that must occur
# in the cited units' text. On the gold set's reference answers (bench/citation_check.py) 0.5 keeps
# 99% of sentences against the unit holding their evidence (97% with "根据文件，" in front) while
# only 8% of (sentence, other retrieved unit) pairs reach it; 0.6 starts losing framed paraphrases
# (92%). Table rows share a template ("2020年实际 …，2025年目标 …"), so numbers are checked apart:
# every number must occur in a cited unit, which brings wrong pairs that pass down to about 1%.
SUPPORT = 0.5
# With several markers on one sentence, each cited unit must contribute this share of the sentence's
# bigrams that no other cited unit has, so that a stray marker cannot ride on a good one (95% of
# joined two-unit sentences pass, 2% of stray markers do).
PART_SUPPORT = 0.1
# The client's timeout bounds each network wait (connect, every read), not the whole call: an
# endpoint that sends a byte every few seconds would hold a question for ever. So the call runs in
# a daemon thread and `ask` waits for it at most the timeout plus this share of it (at most 1 s);
# at most IN_FLIGHT calls may still be running, beyond that the extractive answer is shown at once.
GRACE = 0.5
IN_FLIGHT = 16
# Size bounds on an answer (issue 20: a 22 MB completion reached the user whole). The extractive
# answers the model rewrites are at most ~1,200 characters on the gold set; a Chinese token is
# about one character, so 1,024 tokens leave room for markers and framing. The endpoint is asked
# for at most MAX_TOKENS (sent as max_completion_tokens); anything longer than MAX_CHARS that
# comes back anyway is not checked but replaced by the extractive answer.
MAX_TOKENS = 1024
MAX_CHARS = 4000
NO_ANSWER = "文件中没有相关内容"
UNAVAILABLE = "大模型服务不可用，以下为原文摘录答案。"
UNCHECKED = "大模型回答未通过引文核对，以下为原文摘录答案。"
DECLINED = "大模型认为检索到的条款不能回答该问题，以下为原文摘录答案。"
TOO_LONG = f"大模型回答超过{MAX_CHARS}字的上限，以下为原文摘录答案。"
_DROPPED = "已删除{n}句无法在引文中核实的内容。"

_MARKER = re.compile(r"[\[［【]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]］】]")
_LEADING_MARKERS = re.compile(rf"^\s*(?:{_MARKER.pattern}\s*)+")
_BULLET = re.compile(r"^\s*(?:[-*•·#>]+|\d{1,2}[.、)）](?!\d)|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}、)\s*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")

_SYSTEM = "你是政策规划文件的问答助手。你只能依据用户给出的编号条款回答，不得使用条款以外的任何知识。"
_RULES = (
    "要求：\n"
    "1. 用中文简要回答，只使用以上条款中的内容，尽量沿用条款原文的说法和数字，不要推测或补充。\n"
    "2. 每句话末尾标注支持这句话的条款编号，如[1]；一句话依据多个条款时写[1][2]。\n"
    f"3. 如果这些条款不能回答问题，只回答“{NO_ANSWER}”。"
)


def _normal(text: str) -> str:
    """Letters, CJK and digits only (NFKC, lower case): what the overlap test compares."""
    return "".join(WORD.findall(unicodedata.normalize("NFKC", text).lower()))


def _bigrams(text: str) -> set[str]:
    normal = _normal(text)
    if len(normal) < 2:
        return {normal} if normal else set()
    return {normal[i : i + 2] for i in range(len(normal) - 1)}


def _numbers(text: str) -> set[str]:
    return set(_NUMBER.findall(THOUSANDS.sub("", unicodedata.normalize("NFKC", text))))


def _scaled(text: str) -> set[str]:
    """The text's figures as another magnitude may write them: 0.35万 as 3500, 12000 as 1.2 (万)."""
    plain = THOUSANDS.sub("", unicodedata.normalize("NFKC", text))
    found = set()
    for number, magnitude in re.findall(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万|亿)?", plain):
        value = float(number) * {"": 1.0, "万": 1e4, "亿": 1e8}[magnitude]
        found |= {_plain_number(value), _plain_number(value / 1e4)} if value >= 1e4 or magnitude else set()
    return found


def _plain_number(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _support_text(unit: Unit) -> str:
    """What a unit vouches for: its text and the headings it sits under."""
    return " ".join([unit.doc_title, *unit.path, unit.label, unit.body])


def _markers(sentence: str) -> list[int]:
    found: list[int] = []
    for match in _MARKER.finditer(sentence):
        for number in re.split(r"\s*[,，、]\s*", match.group(1)):
            if int(number) not in found:
                found.append(int(number))
    return found


def _split(text: str) -> list[str]:
    """Sentences ending at 。！？ or a line break; markers written after the stop stay with their sentence."""
    pieces: list[str] = []
    for piece in split_sentences(text, stops="。！？", line_breaks=True):
        lead = _LEADING_MARKERS.match(piece)
        if lead and pieces:
            pieces[-1] += lead.group(0).strip()
            piece = piece[lead.end() :]
        if piece.strip():
            pieces.append(piece.strip())
    return pieces


def _share(sentence: set[str], support: set[str]) -> float:
    return len(sentence & support) / len(sentence) if sentence else 0.0


def _unique_share(sentence: set[str], cited: list[set[str]], which: int) -> float:
    """Share of the sentence's bigrams found in cited[which] and in no other cited unit."""
    others = set().union(*(grams for i, grams in enumerate(cited) if i != which))
    return _share(sentence, cited[which] - others)


def overlap(sentence: str, units: list[Unit]) -> float:
    """Share of the sentence's character bigrams (markers removed) found in the units' text and headings."""
    support = set().union(*(_bigrams(_support_text(unit)) for unit in units))
    return _share(_bigrams(_MARKER.sub("", sentence)), support)


def _faithful(plain: str, cited: list[Unit]) -> bool:
    headings = " ".join(" ".join([unit.doc_title, *unit.path, unit.label]) for unit in cited)
    verdict = judge(plain, [unit.body for unit in cited], headings)
    if not verdict.faithful:
        log.info("LLM sentence dropped (%s).", verdict.reason)
    return verdict.faithful


def check_sentences(text: str, units: list[Unit]) -> tuple[list[tuple[str, list[int]]], list[str]]:
    """Splits a generated answer into sentences and keeps those its cited units support.

    A sentence is kept when it has at least one marker, every marker is within 1..len(units), at
    least SUPPORT of its character bigrams occur in the cited units together, with several markers
    each unit adds PART_SUPPORT that the others lack, every number in it occurs in those units, and
    it is faithful to the cited sentences (`faithfulness.judge`).

    Args:
        text: the model's answer with [n] markers.
        units: the units the markers number, [1] first.

    Returns:
        (kept, dropped): kept sentences without their markers, each with its distinct markers in
        order of appearance; dropped sentences as written. Fragments without letters or digits
        (a stray "。" or bullet) are in neither.
    """
    supports = [_support_text(unit) for unit in units]
    grams = [_bigrams(support) for support in supports]
    kept: list[tuple[str, list[int]]] = []
    dropped: list[str] = []
    for written in _split(text):
        plain = _BULLET.sub("", _MARKER.sub("", written).replace("**", "")).strip()
        if not _normal(plain):
            continue
        markers = _markers(written)
        if not markers or any(not 1 <= m <= len(units) for m in markers):
            dropped.append(written)
            continue
        own = _bigrams(plain)
        union = set().union(*(grams[m - 1] for m in markers))
        cited = [grams[m - 1] for m in markers]
        parts_ok = len(cited) == 1 or all(_unique_share(own, cited, i) >= PART_SUPPORT for i in range(len(cited)))
        # the units' numerals count as digits (a model writes 两年 as 2年), the sentence's as written
        supported = set().union(*(_numbers(arabic(supports[m - 1])) | _scaled(supports[m - 1]) for m in markers))
        numbers_ok = _numbers(as_cited(plain, "")) <= supported  # (a fraction 2/3 is the cited 三分之二)
        if _share(own, union) >= SUPPORT and parts_ok and numbers_ok and _faithful(plain, [units[m - 1] for m in markers]):
            kept.append((plain, markers))
        else:
            dropped.append(written)
    return kept, dropped


def best_quote(unit: Unit, generated: str) -> str:
    """The sentence of the unit's body sharing most bigrams with the generated text (longest on a tie).

    Returns:
        A verbatim substring of unit.body.
    """
    own = _bigrams(generated)
    options = [s.strip() for s in sentences(unit.body) if s.strip()] or [unit.body]
    ranked = sorted(enumerate(options), key=lambda item: (-len(own & _bigrams(item[1])), -len(item[1]), item[0]))
    return ranked[0][1]


def build_prompt(reply: Reply, units: list[Unit]) -> str:
    """The user message: the numbered units, the question (and the searched query when it differs), the rules."""
    blocks = []
    for number, unit in enumerate(units, start=1):
        where = " › ".join([f"《{unit.doc_title}》", *unit.path, unit.label])
        blocks.append(f"[{number}] {where}\n{unit.body}")
    question = f"问题：{reply.question}"
    if reply.query and reply.query != reply.question:
        question += f"\n（结合上文，问题理解为：{reply.query}）"
    return "条款：\n" + "\n\n".join(blocks) + f"\n\n{question}\n\n{_RULES}"


def _checked_reply(reply: Reply, kept: list[tuple[str, list[int]]], units: list[Unit]) -> Reply:
    """The reply rewritten from kept sentences, citations renumbered 1.. in order of first use."""
    refs: dict[int, int] = {}
    answer = previous = ""
    for plain, markers in kept:
        for m in markers:
            refs.setdefault(m, len(refs) + 1)
        # sentences run on as in the extractive answer; a list item without a stop keeps its line
        if answer and not previous.endswith(("。", "！", "？")):
            answer += "\n"
        answer += plain + "".join(f"[{refs[m]}]" for m in markers)
        previous = plain
    citations = []
    for m, ref in refs.items():
        said = "".join(plain for plain, markers in kept if m in markers)
        citations.append(Citation(ref, units[m - 1], best_quote(units[m - 1], said)))
    return replace(reply, answer=answer, citations=tuple(citations), notice="")


class LLMWriter:
    """Rewrites extractive replies with an OpenAI-compatible chat model, keeping only checked sentences."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._model = None  # built on first use: importing langchain_openai takes a while
        self._model_lock = threading.Lock()
        self._in_flight = threading.BoundedSemaphore(IN_FLIGHT)

    @property
    def deadline(self) -> float:
        """Seconds `rewrite` waits for the endpoint in all: the timeout and a little grace."""
        return self.settings.llm_timeout + min(1.0, GRACE * self.settings.llm_timeout)

    def _chat(self):
        with self._model_lock:  # several app workers may ask for it at once
            if self._model is None:
                self._model = self._new_model()
        return self._model

    def _new_model(self):
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            base_url=self.settings.llm_base_url,
            # keyless local servers (vLLM, Ollama) still need a non-empty key for the client
            api_key=self.settings.llm_api_key or "not-needed",
            model=self.settings.llm_model,
            timeout=self.settings.llm_timeout,
            max_retries=0,
            max_tokens=MAX_TOKENS,
            use_responses_api=False,
            temperature=0,
        )

    def complete(self, prompt: str) -> object:
        """The model's answer to the prompt: its message content, whatever type the endpoint sent."""
        from langchain_core.messages import HumanMessage, SystemMessage

        return self._chat().invoke([SystemMessage(_SYSTEM), HumanMessage(prompt)]).content

    def complete_within_deadline(self, prompt: str) -> object:
        """`complete`, given up after `deadline` seconds however the endpoint trickles its answer.

        Raises:
            TimeoutError: no complete answer in time, or too many earlier calls still hanging.
            Exception: whatever `complete` raised.
        """
        self._chat()  # the first call imports langchain_openai (seconds): not on the endpoint's clock
        if not self._in_flight.acquire(blocking=False):
            raise TimeoutError(f"{IN_FLIGHT} earlier calls to the endpoint are still waiting")
        outcome: dict[str, object] = {}
        done = threading.Event()

        def call() -> None:
            try:
                outcome["text"] = self.complete(prompt)
            except BaseException as error:  # handed to the waiting thread
                outcome["error"] = error
            finally:
                self._in_flight.release()
                done.set()

        threading.Thread(target=call, name="llm-call", daemon=True).start()
        if not done.wait(self.deadline):
            raise TimeoutError(f"no complete answer within {self.deadline:.1f} s")
        if "error" in outcome:
            raise outcome["error"]  # type: ignore[misc]
        return outcome["text"]

    def rewrite(self, reply: Reply, units: list[Unit]) -> Reply:
        """The reply in the model's words when every kept sentence checks out against its units.

        Args:
            reply: the extractive reply; a refusal (found=False) is returned unchanged, unsent.
            units: the retrieved units the model may use, best first (duplicates are ignored).

        Returns:
            The rewritten reply with renumbered citations (notice says how many sentences were
            dropped), or the extractive reply with a notice saying why it is shown. Never raises.
        """
        units = list({unit.id: unit for unit in units}.values())
        if not reply.found or not units:
            return reply
        try:
            text = self.complete_within_deadline(build_prompt(reply, units))
        except Exception as error:  # the endpoint is optional: any failure means the extractive answer
            log.warning("LLM endpoint failed (%s); showing the extractive answer.", type(error).__name__)
            return replace(reply, notice=UNAVAILABLE)
        if not isinstance(text, str) or not text.strip():
            log.warning("LLM endpoint returned no text (%s); showing the extractive answer.", type(text).__name__)
            return replace(reply, notice=UNAVAILABLE)
        if len(text) > MAX_CHARS:
            log.warning("LLM answer of %d characters exceeds %d; showing the extractive answer.", len(text), MAX_CHARS)
            return replace(reply, notice=TOO_LONG)
        kept, dropped = check_sentences(text, units)
        if not kept:
            declined = NO_ANSWER in text and not _MARKER.search(text)
            log.info("LLM answer failed the citation check (%d sentences); showing the extractive answer.", len(dropped))
            return replace(reply, notice=DECLINED if declined else UNCHECKED)
        checked = _checked_reply(reply, kept, units)
        return replace(checked, notice=_DROPPED.format(n=len(dropped))) if dropped else checked


__all__ = ["LLMWriter", "best_quote", "build_prompt", "check_sentences", "overlap"]
