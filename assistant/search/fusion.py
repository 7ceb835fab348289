"""Fusion: how hybrid search combines the BM25 and the dense rankings of a query (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass

# With nothing in the question matching a word of the corpus, a dense-only match is weak evidence:
# its fused score is scaled by this so that the answer stage can tell.
DENSE_ONLY = 0.5


@dataclass(frozen=True)
class Fusion:
    """The weights of hybrid search, chosen by measurement on the gold set (README, "Results").

    BM25 is scaled to the query's best score and the cosine added with weight `dense`: the
    corpus-trained embedder is weak, so it breaks ties and rescues questions BM25 misses entirely.
    Equal-weight reciprocal-rank fusion was measured worse than BM25 alone.
    """

    lexical: float = 1.0
    dense: float = 0.2


def score_fusion(lexical: list[tuple[int, float]], dense: list[tuple[int, float]], fusion: Fusion) -> list[tuple[int, float]]:
    """Normalised BM25 plus weighted cosine over the union of candidates; ties broken by position.

    Args:
        lexical: (position, BM25 score) best first.
        dense: (position, cosine) best first.
        fusion: the weights.

    Returns:
        (position, fused score), best first; scaled by DENSE_ONLY when `lexical` is empty.
    """
    best = max((s for _, s in lexical), default=0.0)
    scores: dict[int, float] = {}
    for position, score in lexical:
        scores[position] = fusion.lexical * (score / best if best > 0 else 0.0)
    for position, cosine in dense:
        scores[position] = scores.get(position, 0.0) + fusion.dense * max(cosine, 0.0)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    if not lexical:
        ranked = [(p, s * DENSE_ONLY) for p, s in ranked]
    return ranked
