"""Synthetic corpus: plans recombined from the shipped documents' sentences, for scale benchmarks.

Each synthetic plan is a plain-text file in the conventions the parser knows (第X章, （X） clauses with
a lead sentence, plain paragraphs), whose sentences are drawn with a fixed seed from the searchable
units of the real corpus. The same seed and size always give the same files.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.corpus.manifest import load_corpus
from assistant.corpus.structure import chinese_number
from assistant.records import Kind

_SENTENCE = re.compile(r"[^。！？；]+[。！？；]")
_NUMBERED_HEADING = re.compile(r"^(?:第.{1,3}[章节]\s*|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)(.{2,})$")
DIGITS = "零一二三四五六七八九"
CHAPTERS = 5
CLAUSES = 4  # per chapter; each clause is followed by two paragraphs
UNITS_PER_DOC = CHAPTERS * CLAUSES * 3  # searchable units of one synthetic plan (headings aside)


@dataclass(frozen=True)
class Pools:
    """What plans are recombined from: sentences, short leads and chapter titles of the real corpus."""

    sentences: tuple[str, ...]
    leads: tuple[str, ...]
    titles: tuple[str, ...]


def chinese(number: int) -> str:
    """1..99 as Chinese numerals (十二, 二十, 三十五)."""
    tens, ones = divmod(number, 10)
    text = ("" if tens == 1 else DIGITS[tens]) + "十" if tens else ""
    text += DIGITS[ones] if ones else ""
    assert chinese_number(text) == number
    return text


def pools(corpus_dir: Path) -> Pools:
    """Sentences, clause leads and headings of the shipped corpus, in corpus order."""
    sentences: list[str] = []
    leads: list[str] = []
    titles: list[str] = []
    for document in load_corpus(corpus_dir):
        for unit in document.units:
            heading = _NUMBERED_HEADING.match(unit.label) if unit.kind == Kind.HEADING else None
            if heading:
                titles.append(heading.group(1))
            if unit.kind not in (Kind.CLAUSE, Kind.PARAGRAPH, Kind.BOX_ITEM):
                continue
            found = [s.strip() for s in _SENTENCE.findall(unit.body) if 8 <= len(s.strip()) <= 160]
            sentences.extend(s for s in found if not s.startswith(("（", "(")))
            lead = unit.body.split("。", 1)[0]
            if 2 <= len(lead) <= 20 and "，" not in lead and not lead.startswith(("（", "(")):
                leads.append(lead)
    return Pools(tuple(sentences), tuple(dict.fromkeys(leads)), tuple(dict.fromkeys(titles)) or ("主要任务",))


def plan_text(rng: random.Random, pool: Pools, title: str) -> str:
    """One synthetic plan: CHAPTERS chapters of CLAUSES clauses, each clause with two paragraphs."""
    lines = [title, ""]
    clause = 0
    for chapter in range(1, CHAPTERS + 1):
        lines += [f"第{chinese(chapter)}章 {rng.choice(pool.titles)}", ""]
        for _ in range(CLAUSES):
            clause += 1
            body = "".join(rng.sample(pool.sentences, 2))
            lines += [f"（{chinese(clause)}）{rng.choice(pool.leads)}。{body}", ""]
            for _ in range(2):
                lines += ["".join(rng.sample(pool.sentences, rng.randint(1, 3))), ""]
    return "\n".join(lines)


def write_corpus(folder: Path, units: int, source: Path, seed: int = 20240601) -> int:
    """Writes about `units` searchable units as synthetic plans plus their documents.toml.

    Args:
        folder: the corpus folder to create (or fill).
        units: the number of searchable units wanted (rounded up to whole plans).
        source: the real corpus whose sentences are recombined.
        seed: the random seed; the same seed gives the same files.

    Returns:
        The number of plans written.
    """
    rng = random.Random(seed)
    pool = pools(source)
    count = max(1, -(-units // UNITS_PER_DOC))
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for number in range(1, count + 1):
        doc_id = f"plan{number:05d}"
        title = f"示例地区“十四五”{rng.choice(pool.titles)}规划（第{number}号）"
        (folder / f"{doc_id}.txt").write_text(plan_text(rng, pool, title), encoding="utf-8")
        entries.append(f'[[document]]\nid = "{doc_id}"\ntitle = "{title}"\nfile = "{doc_id}.txt"\n')
    (folder / "documents.toml").write_text("\n".join(entries), encoding="utf-8")
    return count
