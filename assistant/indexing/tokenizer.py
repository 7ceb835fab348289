"""Tokenizer: Chinese text as index and query tokens (jieba, domain words, bigrams, characters), traditional folded to simplified."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]", re.UNICODE)
_LOCK = threading.Lock()


def _data_file(name: str) -> Path:
    return Path(str(resources.files("assistant") / "data" / name))


def normalise(text: str) -> str:
    """NFKC (full-width digits and letters to half-width), lower case, traditional to simplified."""
    return to_simplified(unicodedata.normalize("NFKC", text)).lower()


@dataclass(frozen=True)
class Analysis:
    """Per text: its BM25 tokens and its plain jieba words (what the local embedder's vocabulary is made of)."""

    tokens: list[list[str]]
    words: list[list[str]]
    segmented: dict[str, list[str]]  # every piece's words (no white space)


class Tokenizer:
    """jieba with the domain dictionary loaded, in search mode, plus character bigrams and unigrams.

    Search mode yields a word and its sub-words (采煤沉陷区 -> 采煤, 沉陷, 沉陷区, 采煤沉陷区);
    character bigrams catch what segmentation splits differently in a question and a clause, and
    single characters give paraphrases a foothold. Each adds recall on the gold set (README).
    """

    def __init__(self, dictionary: Path | None = None, stopwords: Path | None = None, bigrams: bool = True) -> None:
        import jieba

        with _LOCK:  # jieba is not thread-safe while it loads dictionaries
            jieba.setLogLevel(logging.WARNING)
            self._jieba = jieba.Tokenizer()
            self._jieba.initialize()
            self._jieba.load_userdict(str(dictionary or _data_file("domain_words.txt")))
        words = (stopwords or _data_file("stopwords.txt")).read_text(encoding="utf-8").splitlines()
        self.stopwords = frozenset(w.strip() for w in words if w.strip() and not w.startswith("#"))
        self.bigrams = bigrams

    def words(self, text: str) -> list[str]:
        """Plain jieba segmentation of the normalised text (no filtering)."""
        return [w for w in self._jieba.lcut(normalise(text), HMM=False) if w.strip()]

    def tokens(self, text: str) -> list[str]:
        """Index/query tokens: search-mode words without stopwords or punctuation, plus CJK bigrams."""
        text = normalise(text)
        return self._tokens(text, self._jieba.lcut(text, HMM=False))

    def _tokens(self, text: str, words: list[str]) -> list[str]:
        """`tokens` of a normalised text from its jieba words (what jieba's search mode adds, done here)."""
        freq = self._jieba.FREQ
        out = []
        for word in words:
            # jieba's cut_for_search: the known 2- and 3-character sub-words of a long word, then the word
            if len(word) > 2:
                out.extend(gram for gram in (word[i : i + 2] for i in range(len(word) - 1)) if freq.get(gram))
            if len(word) > 3:
                out.extend(gram for gram in (word[i : i + 3] for i in range(len(word) - 2)) if freq.get(gram))
            out.append(word)
        out = [w for w in out if _WORDLIKE.search(w) and w not in self.stopwords]
        if self.bigrams:
            for run in _CJK_RUN.findall(text):
                out.extend(f"#{run[i : i + 2]}" for i in range(len(run) - 1))
                # single characters match paraphrases that share no word (减碳 ~ 碳减排)
                out.extend(f"@{ch}" for ch in run if ch not in self.stopwords)
        return out

    def analyse(self, pieces: list[list[str]], segmented: dict[str, list[str]] | None = None) -> Analysis:
        """Tokens and words of many texts given as pieces, segmenting each distinct piece once.

        Pieces are joined by a space; jieba never joins words across white space, so the tokens of
        the joined text are those of its pieces (in another order, which BM25 ignores). Headings
        repeat across units and are segmented once.

        Args:
            pieces: per text, its pieces (e.g. headings, label, body); only the last two give `words`.
            segmented: pieces already segmented by this tokenizer (`Analysis.segmented` of an earlier
                run): jieba, most of the cost, is skipped for them.

        Returns:
            The index tokens of each whole text, the plain words of each text's last two pieces, and
            the words of every piece.
        """
        known = dict(segmented or {})
        memo: dict[str, tuple[list[str], list[str]]] = {}
        # One string object per distinct token: 100k units hold ~30M tokens, mostly repeats.
        canonical: dict[str, str] = {}
        intern = canonical.setdefault

        def analysed(piece: str) -> tuple[list[str], list[str]]:
            if piece not in memo:
                text = normalise(piece)
                words = known[piece] if piece in known else [w for w in self._jieba.lcut(text, HMM=False) if w.strip()]
                words = [intern(w, w) for w in words]
                known[piece] = words
                # white space "words" give no token, so the tokens need only the others
                memo[piece] = ([intern(t, t) for t in self._tokens(text, words)], words)
            return memo[piece]

        tokens: list[list[str]] = []
        words: list[list[str]] = []
        for parts in pieces:
            done = [analysed(piece) for piece in parts]
            tokens.append([token for piece_tokens, _ in done for token in piece_tokens])
            words.append([word for _, piece_words in done[-2:] for word in piece_words])
        return Analysis(tokens, words, known)

    def content_words(self, text: str) -> list[str]:
        """The words of a question that carry its topic (no stopwords, digits or punctuation)."""
        return [w for w in self.words(text) if w not in self.stopwords and _CJK_RUN.search(w)]

    def places(self, text: str) -> list[str]:
        """Place names in the text, in order (jieba's and the domain dictionary's ns words)."""
        gazetteer = place_names()
        return [w for w in self.words(text) if w in gazetteer]


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Every word tagged ns (place) in jieba's dictionary and in the domain dictionary."""
    return _tagged()[0]


def is_noun(word: str) -> bool:
    """True for a word jieba's dictionaries tag as a noun (n, nz, vn…), and for a word they do not know (a compound)."""
    return word not in _tagged()[1]


@lru_cache(maxsize=1)
def _tagged() -> tuple[frozenset[str], frozenset[str]]:
    """(place names, words tagged anything but a noun), read once from jieba's dictionary and the domain dictionary."""
    import jieba

    names: set[str] = set()
    others: set[str] = set()
    for path in (Path(jieba.__file__).parent / "dict.txt", _data_file("domain_words.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) != 3:
                continue
            if parts[2] == "ns" and len(parts[0]) >= 2:
                names.add(parts[0])
            if parts[2].startswith("n") or parts[2] == "vn":
                others.discard(parts[0])  # the domain dictionary's tag wins
            else:
                others.add(parts[0])
    return frozenset(names - GENERIC_PLACES), frozenset(others)


# Words jieba tags as places that name no particular place.
GENERIC_PLACES = frozenset(
    [
        "城市",
        "地区",
        "城区",
        "农村",
        "乡村",
        "城镇",
        "城乡",
        "中心",
        "市区",
        "县城",
        "国内",
        "国外",
        "境外",
        "海外",
        "全国",
        "全省",
        "地方",
        "当地",
        "本地",
        "各地",
        "东部",
        "西部",
        "中部",
        "北方",
        "南方",
        "东西",
        "中央",
        "长江",
    ]
)


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
