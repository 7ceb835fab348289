"""Tokenizer: Chinese text as index and query tokens (jieba, domain words, bigrams, characters), traditional folded to simplified."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]", re.UNICODE)
_LOCK = threading.Lock()
# Cache files in the index folder (best effort: a read-only folder just goes without). jieba's own
# cache (/tmp/jieba.cache, marshal) took 0.5 s of CPU to load and the domain words were added on
# top each time; _tagged() read all of jieba's dict.txt (0.4 s). The same state from plain text
# (one line of JSON, then the frequencies, then the words) loads in about 0.15 s.
DICTIONARY_CACHE = "jieba-dictionary.cache"
TAGS_CACHE = "jieba-tags.cache"
CACHE_VERSION = 1
_tags_cache: Path | None = None  # where _tagged() looks first (set by use_cache)


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

    def __init__(
        self, dictionary: Path | None = None, stopwords: Path | None = None, bigrams: bool = True, cache: Path | None = None
    ) -> None:
        """Loads jieba and the domain dictionary.

        Args:
            dictionary: the domain dictionary (default: the shipped one).
            stopwords: the stopword list (default: the shipped one).
            bigrams: add character bigrams and unigrams to the tokens.
            cache: a folder (the index) for the loaded dictionary, read when it matches jieba and
                the dictionary, written when it does not; the tokens are the same either way.
        """
        import jieba

        dictionary = Path(dictionary or _data_file("domain_words.txt"))
        with _LOCK:  # jieba is not thread-safe while it loads dictionaries
            jieba.setLogLevel(logging.WARNING)
            self._jieba = jieba.Tokenizer()
            key = _dictionary_key(dictionary) if cache is not None else ""
            if cache is None or not _restore(self._jieba, Path(cache) / DICTIONARY_CACHE, key):
                self._jieba.initialize()
                self._jieba.load_userdict(str(dictionary))
                if cache is not None:
                    _store(self._jieba, Path(cache) / DICTIONARY_CACHE, key, dictionary)
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

    def tokens_of(self, text: str, words: list[str]) -> list[str]:
        """`tokens(text)` from the text's jieba words already known (`Analysis.segmented`): no segmenting again."""
        return self._tokens(normalise(text), words)

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
    """Every word tagged ns (place) in jieba's dictionary and in the domain dictionary.

    But for a conjunction before a unit of government ("市和县按比例分担": 和县, 与市) and 新建 (a
    verb far more often than the district): policy texts mean those words, not the places.
    """
    return frozenset(p for p in _tagged()[0] if not _NOT_PLACES.fullmatch(p))


def is_noun(word: str) -> bool:
    """True for a word jieba's dictionaries tag as a noun (n, nz, vn…), and for a word they do not know (a compound)."""
    return word not in _tagged()[1]


@lru_cache(maxsize=1)
def _tagged() -> tuple[frozenset[str], frozenset[str]]:
    """(place names, words tagged anything but a noun), read once from jieba's dictionary and the domain dictionary.

    Read from the cache file of `use_cache`'s folder when it matches those dictionaries, else
    from the dictionaries themselves (and then written there).
    """
    folder = _tags_cache
    key = _dictionary_key(_data_file("domain_words.txt"), "tags") if folder is not None else ""
    if folder is not None:
        cached = _read_cache(folder / TAGS_CACHE, key)
        if cached is not None:
            meta, lines = cached
            count = meta["places"]
            return frozenset(lines[:count]), frozenset(lines[count:])
    tagged = _read_tags()
    if folder is not None:
        names, others = (sorted(part) for part in tagged)
        _write_cache(folder / TAGS_CACHE, {"key": key, "places": len(names)}, names + others)
    return tagged


def _read_tags() -> tuple[frozenset[str], frozenset[str]]:
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


def use_cache(folder: Path | None) -> None:
    """Lets `place_names` and `is_noun` read their word lists from (and write them to) `folder` (an index)."""
    global _tags_cache
    _tags_cache = Path(folder) if folder is not None else None


def _dictionary_key(dictionary: Path, kind: str = "jieba") -> str:
    """What a cached dictionary depends on: jieba's version and dictionary file, and the domain dictionary's bytes."""
    import jieba

    main = Path(jieba.__file__).parent / "dict.txt"
    stat = main.stat()
    digest = hashlib.sha256(f"{kind}|{CACHE_VERSION}|{jieba.__version__}|{main}|{stat.st_size}|{stat.st_mtime_ns}|".encode())
    digest.update(Path(dictionary).read_bytes())
    return digest.hexdigest()


def _read_cache(path: Path, key: str) -> tuple[dict, list[str]] | None:
    """(the JSON first line, the other lines) of a cache file written with `key`, or None."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    head, _, rest = text.partition("\n")
    try:
        meta = json.loads(head)
    except ValueError:
        return None
    if not isinstance(meta, dict) or meta.get("key") != key:
        return None
    lines = rest.split("\n") if rest else []
    return (meta, lines) if meta.get("lines") == len(lines) else None


def _write_cache(path: Path, meta: dict, lines: list[str]) -> None:
    """Writes a cache file whole or not at all (another process may be reading it); a read-only folder is left alone."""
    text = json.dumps({**meta, "lines": len(lines)}, ensure_ascii=False) + "\n" + "\n".join(lines)
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)  # as the build's files are, not mkstemp's 0600
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)


def _restore(tokenizer, path: Path, key: str) -> bool:
    """Sets a fresh jieba tokenizer to the cached state after `initialize` and `load_userdict`; False when there is none."""
    from jieba import finalseg

    cached = _read_cache(path, key)
    if cached is None:
        return False
    meta, lines = cached
    count = meta["words"]
    words, frequencies = lines[:count], lines[count:]
    if len(frequencies) != count:
        return False
    tokenizer.FREQ = dict(zip(words, map(int, frequencies), strict=True))
    tokenizer.total = meta["total"]
    tokenizer.user_word_tag_tab = dict(meta["tags"])
    for word in meta["force_split"]:  # what add_word does for a word of frequency 0
        finalseg.add_force_split(word)
    tokenizer.initialized = True
    return True


def _store(tokenizer, path: Path, key: str, dictionary: Path) -> None:
    import jieba

    words = list(tokenizer.FREQ)
    entries = (jieba.re_userdict.match(line.strip()) for line in dictionary.read_text(encoding="utf-8-sig").splitlines() if line.strip())
    meta = {
        "key": key,
        "words": len(words),
        "total": tokenizer.total,
        "tags": tokenizer.user_word_tag_tab,
        "force_split": [m.group(1) for m in entries if m and m.group(2) and int(m.group(2)) == 0],
    }
    if any("\n" in word for word in words):  # cannot be one line each: go without a cache
        return
    _write_cache(path, meta, words + [str(tokenizer.FREQ[w]) for w in words])


# Words jieba tags as places that policy texts use otherwise: a conjunction before a unit of government, a verb.
_NOT_PLACES = re.compile(r"[和与及或][省市县区镇乡村]|新建")
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
