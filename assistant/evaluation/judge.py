"""Judge: optional LLM-judged correctness and faithfulness of the answers (ragas-style), through the OpenAI-compatible endpoint.

Kept apart from the deterministic metrics on purpose: a verdict depends on the judging model and its
prompt, so it is reported in its own section, never gated, and a verdict that cannot be read is
counted as a failure rather than guessed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import bootstrap
from .results import ItemResult

if TYPE_CHECKING:
    from ..config import Settings

PROMPT = """You grade one answer of a retrieval assistant over Chinese policy documents.

Question: {question}
Reference (what a correct answer states): {reference}
Answer: {answer}
Cited passages:
{passages}

Reply with one JSON object and nothing else:
{{"correct": 1 if the answer states the reference facts and contradicts none of them, else 0,
  "faithful": 1 if every statement of the answer is supported by the cited passages, else 0}}"""
_OBJECT = re.compile(r"\{.*?\}", re.S)


@dataclass(frozen=True)
class Verdict:
    """The judge's reading of one answer; None where it was not asked or could not be read."""

    id: str
    correct: float | None
    faithful: float | None
    error: str = ""


def prompt_for(result: ItemResult) -> str | None:
    """The judging prompt of an answered, answerable item the assistant did not refuse; None otherwise."""
    item, answered = result.item, result.answered
    if answered is None or not item.answerable or not answered.reply.found:
        return None
    reference = item.answer or "；".join(item.keys)
    passages = "\n".join(f"[{c.ref}] {c.unit.body}" for c in answered.reply.citations) or "(none)"
    return PROMPT.format(question=item.question, reference=reference, answer=answered.reply.answer, passages=passages)


def parse_verdict(text: object) -> tuple[float, float]:
    """(correct, faithful) from the judge's reply: the first JSON object in it, each value 0/1 or a boolean.

    Raises:
        ValueError: no such object.
    """
    match = _OBJECT.search(text if isinstance(text, str) else "")
    if match is None:
        raise ValueError("no JSON object in the judge's reply")
    data = json.loads(match.group(0))
    values = []
    for name in ("correct", "faithful"):
        value = data.get(name) if isinstance(data, dict) else None
        if value not in (0, 1):  # True/False compare equal to 1/0
            raise ValueError(f"{name!r} is {value!r}, not 0 or 1")
        values.append(float(value))
    return values[0], values[1]


def judge_results(results: Sequence[ItemResult], complete: Callable[[str], object]) -> list[Verdict]:
    """One verdict per item the judge can grade (see prompt_for); an endpoint error or unreadable reply is kept as an error."""
    verdicts = []
    for result in results:
        prompt = prompt_for(result)
        if prompt is None:
            continue
        try:
            correct, faithful = parse_verdict(complete(prompt))
            verdicts.append(Verdict(result.item.id, correct, faithful))
        except Exception as error:  # the endpoint is optional: any failure is counted, not raised
            verdicts.append(Verdict(result.item.id, None, None, f"{type(error).__name__}: {error}"[:200]))
    return verdicts


def summary(verdicts: Sequence[Verdict], resamples: int = bootstrap.RESAMPLES, seed: int = bootstrap.SEED) -> dict[str, Any]:
    """Judged items, failures, and the mean correctness and faithfulness with their bootstrap intervals."""
    indices = bootstrap.resample_indices(len(verdicts), resamples, seed)
    out: dict[str, Any] = {"items": len(verdicts), "failures": sum(1 for v in verdicts if v.error)}
    for name in ("correct", "faithful"):
        interval = bootstrap.mean_interval([getattr(v, name) for v in verdicts], indices)
        key = "correctness" if name == "correct" else "faithfulness"
        out[key] = (
            None
            if interval is None
            else {"value": round(interval.value, 6), "low": round(interval.low, 6), "high": round(interval.high, 6)}
        )
    return out


def endpoint_completer(settings: Settings) -> Callable[[str], object]:
    """A function sending one prompt to the configured endpoint (temperature 0, no retries) and returning its text."""
    from langchain_core.messages import HumanMessage
    from langchain_openai import ChatOpenAI

    chat = ChatOpenAI(
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key or "not-needed",
        model=settings.llm_model,
        timeout=settings.llm_timeout,
        max_retries=0,
        use_responses_api=False,
        temperature=0,
    )
    return lambda prompt: chat.invoke([HumanMessage(prompt)]).content
