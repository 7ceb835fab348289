"""Variants: traditional characters folded to simplified, so 老礦區 finds 老矿区."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    # OpenCC's character table (opencc-python-reimplemented ships it); the first simplified
    # candidate of each traditional character. A character-level str.translate is fast enough to
    # run over a whole corpus, which phrase-level conversion is not.
    text = (resources.files("opencc") / "dictionary" / "TSCharacters.txt").read_text(encoding="utf-8")
    table: dict[int, str] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == 1:
            table[ord(parts[0])] = parts[1].split()[0]
    return table


def to_simplified(text: str) -> str:
    """Maps every traditional character to its simplified form; everything else is unchanged."""
    return text.translate(_table())


def folding_table(kept: frozenset[str] = frozenset()) -> dict[int, str]:
    """The traditional-to-simplified table without the characters in `kept`.

    Some characters are both a traditional form and a simplified word of their own (著 in 显著,
    乾 in 乾坤); passing the characters the documents use keeps those as printed.
    """
    return {code: simple for code, simple in _table().items() if chr(code) not in kept}
