"""Embedding: the sentence-transformers model behind dense search, and the local one trained offline.

No machine here can download weights, so the default embedder is learned from the corpus at
index time: a Unigram tokenizer over the corpus' jieba vocabulary (plus every character, so any
question segments into known pieces), word vectors from PPMI + truncated SVD of windowed
co-occurrence counts, scaled by IDF (mean pooling then weighs rare words more). It is saved as a
real sentence-transformers `StaticEmbedding` model directory, loadable with
`SentenceTransformer(path)` exactly like a pretrained model.

Queries are encoded with that folder read by numpy (`StaticModel`): a token table and mean
pooling need neither torch nor sentence-transformers, whose import alone took 4-8 s of every cold
`assistant ask`. A pretrained model setting, and training, still go through sentence-transformers.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np

from ..errors import AssistantError
from .tokenizer import Tokenizer, normalise

UNK = "[UNK]"


STATIC_MODULE = "sentence_transformers.sentence_transformer.modules.static_embedding.StaticEmbedding"
WEIGHTS = "model.safetensors"
WEIGHTS_KEY = "embedding.weight"  # the saved state of StaticEmbedding's nn.EmbeddingBag


class StaticModel:
    """A saved sentence-transformers `StaticEmbedding` folder, encoded with numpy: the same vectors without torch.

    `StaticEmbedding` tokenizes with its `tokenizers` tokenizer (no special tokens, no padding) and
    averages the token rows (`nn.EmbeddingBag`, mode "mean"; no tokens give a zero row). Here the
    rows are summed in float32 in token order and the sum divided by the count, as torch does it:
    on the shipped corpus every unit and question encodes to the very same bits (a float64 mean
    differed by up to 2e-7, enough to move a score's sixth decimal). tests/indexing/test_embedding.py
    holds it to a max abs difference < 1e-6 over every unit and gold question.
    """

    def __init__(self, tokenizer, weights: np.ndarray) -> None:
        self.tokenizer = tokenizer
        self.weights = weights

    @classmethod
    def load(cls, folder: Path) -> StaticModel | None:
        """The model in `folder`, or None when it is not a lone StaticEmbedding saved with safetensors."""
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer as HFTokenizer

        folder = Path(folder)
        try:
            modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not (isinstance(modules, list) and len(modules) == 1 and isinstance(modules[0], dict)):
            return None
        if modules[0].get("type") != STATIC_MODULE or modules[0].get("path", "") != "":
            return None
        if not (folder / WEIGHTS).is_file() or not (folder / "tokenizer.json").is_file():
            return None
        weights = load_file(str(folder / WEIGHTS)).get(WEIGHTS_KEY)
        if weights is None or weights.ndim != 2:
            return None
        tokenizer = HFTokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.no_padding()  # as StaticEmbedding does
        return cls(tokenizer, np.ascontiguousarray(weights, dtype=np.float32))

    def get_embedding_dimension(self) -> int:
        return int(self.weights.shape[1])

    def encode(self, texts: list[str], batch_size: int = 256) -> np.ndarray:
        """The mean token row of each text (unnormalised, like `SentenceTransformer.encode`)."""
        out = np.zeros((len(texts), self.weights.shape[1]), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            encodings = self.tokenizer.encode_batch(texts[start : start + batch_size], add_special_tokens=False)
            for row, encoding in enumerate(encodings, start=start):
                if encoding.ids:
                    # a float32 sum down axis 0 adds row after row (no pairwise summation across rows)
                    out[row] = self.weights[encoding.ids].sum(axis=0) / np.float32(len(encoding.ids))
        return out


class Embedder:
    """A loaded embedding model; encodes texts to L2-normalised float32 rows."""

    def __init__(self, model, name: str, local: bool) -> None:
        self.model = model  # a StaticModel (the local embedder) or a SentenceTransformer
        self.name = name
        self.local = local  # the corpus-trained model wants normalised (simplified, NFKC) input

    @property
    def dim(self) -> int:
        return int(self.model.get_embedding_dimension())

    @classmethod
    def load(cls, name_or_path: str | Path, local: bool = False) -> Embedder:
        """Loads a model by hub name or local path.

        The local embedder's folder (`local=True`) is read with numpy when it is a StaticEmbedding,
        as the build saves it; anything else loads sentence-transformers.

        Raises:
            AssistantError: the model cannot be loaded (not downloadable here, or not a model folder).
        """
        if local:
            try:
                static = StaticModel.load(Path(name_or_path))
            except Exception as error:  # a damaged weights or tokenizer file
                raise AssistantError(
                    f"Could not load the embedding model {name_or_path!s} ({type(error).__name__}); rebuild the index."
                ) from None
            if static is not None:
                return cls(static, str(name_or_path), local)
        return cls(cls._sentence_transformer(name_or_path), str(name_or_path), local)

    @staticmethod
    def _sentence_transformer(name_or_path: str | Path):
        from sentence_transformers import SentenceTransformer

        try:
            return SentenceTransformer(str(name_or_path), device="cpu")
        except Exception as error:
            raise AssistantError(
                f"Could not load the embedding model {name_or_path!s} ({type(error).__name__}); "
                "pass a local model folder with --embedding-model, or use the default local embedder."
            ) from None

    def encode(self, texts: list[str], batch_size: int = 256) -> np.ndarray:
        """Encodes texts; an empty or all-unknown text encodes to a zero row."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        inputs = [normalise(t) for t in texts] if self.local else list(texts)
        if isinstance(self.model, StaticModel):
            vectors = self.model.encode(inputs, batch_size=batch_size)
        else:
            vectors = self.model.encode(inputs, batch_size=batch_size, convert_to_numpy=True, show_progress_bar=False)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        np.divide(vectors, norms, out=vectors, where=norms > 1e-12)
        vectors[norms[:, 0] <= 1e-12] = 0.0
        return vectors


def _build_tokenizer(words: list[list[str]]):
    """A Unigram tokenizer whose vocabulary is the corpus' jieba words plus every character."""
    from tokenizers import Regex, normalizers, pre_tokenizers
    from tokenizers import Tokenizer as HFTokenizer
    from tokenizers.models import Unigram

    counts: Counter[str] = Counter(word for text_words in words for word in text_words)
    counts = Counter({word: count for word, count in counts.items() if any(ch.isalnum() for ch in word)})
    chars: Counter[str] = Counter()
    for word, count in counts.items():  # every occurrence of a word counts its characters
        for ch in word:
            if ch.isalnum():
                chars[ch] += count
    total = sum(counts.values()) + sum(chars.values()) + 1
    vocab: list[tuple[str, float]] = [(UNK, 0.0)]
    for word, count in sorted(counts.items()):
        vocab.append((word, math.log(count / total)))
    for ch, count in sorted(chars.items()):
        if ch not in counts:
            # characters only win where no word covers them
            vocab.append((ch, math.log(count / total) - 8.0))
    hf = HFTokenizer(Unigram(vocab, unk_id=0, byte_fallback=False))
    hf.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    hf.pre_tokenizer = pre_tokenizers.Split(Regex(r"[^\w]+"), behavior="removed")
    return hf


def _cooccurrences(sequences: list[list[int]], vocab_size: int, window: int):
    """Symmetric counts of token pairs at most `window` apart within a sequence (CSR, float64).

    One vectorised pass per offset over all sequences joined end to end (pairs that would cross a
    sequence boundary are masked), so memory stays at a few arrays of the corpus' token count.
    """
    from scipy.sparse import coo_matrix, csr_matrix

    lengths = np.fromiter((len(seq) for seq in sequences), dtype=np.int64, count=len(sequences))
    ids = np.fromiter((i for seq in sequences for i in seq), dtype=np.int64, count=int(lengths.sum()))
    owner = np.repeat(np.arange(len(sequences), dtype=np.int64), lengths)
    counts = csr_matrix((vocab_size, vocab_size), dtype=np.float64)
    for offset in range(1, window + 1):
        if offset >= len(ids):
            break
        same = owner[:-offset] == owner[offset:]
        left, right = ids[:-offset][same], ids[offset:][same]
        counts = counts + coo_matrix((np.ones(len(left)), (left, right)), shape=(vocab_size, vocab_size)).tocsr()
    counts = counts + counts.T  # each pair counts in both directions
    counts.sum_duplicates()
    counts.sort_indices()
    return counts


def _ppmi_svd(sequences: list[list[int]], vocab_size: int, dim: int, window: int = 4) -> np.ndarray:
    """Word vectors from positive PMI of windowed co-occurrences, reduced by truncated SVD."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import svds
    from threadpoolctl import threadpool_limits

    counts = _cooccurrences(sequences, vocab_size, window)
    if counts.nnz == 0:
        return np.zeros((vocab_size, dim), dtype=np.float32)
    total = counts.sum()
    row_sum = np.asarray(counts.sum(axis=1)).ravel()
    col_sum = np.asarray(counts.sum(axis=0)).ravel() ** 0.75  # context smoothing (Levy et al.)
    col_sum *= total / max(col_sum.sum(), 1e-12)
    coo = counts.tocoo()
    pmi = np.log(coo.data * total / (row_sum[coo.row] * col_sum[coo.col]))
    keep = pmi > 0
    ppmi = coo_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=counts.shape).tocsr()
    k = max(1, min(dim, min(ppmi.shape) - 1, ppmi.nnz - 1))
    v0 = np.full(min(ppmi.shape), 1.0 / math.sqrt(min(ppmi.shape)))  # deterministic start
    # One BLAS thread: on a 2-core machine with other work running, ARPACK with OpenBLAS' two
    # threads took 3-35 s for the shipped corpus and 1.2 s with one; it is also the same result
    # whatever the machine's core count.
    with threadpool_limits(limits=1, user_api="blas"):
        u, s, _ = svds(ppmi, k=k, v0=v0)
    order = np.argsort(-s)
    u, s = u[:, order], s[order]
    signs = np.sign(u[np.abs(u).argmax(axis=0), range(u.shape[1])])  # fix SVD's sign freedom
    vectors = (u * signs) * np.sqrt(s)
    if vectors.shape[1] < dim:
        vectors = np.pad(vectors, ((0, 0), (0, dim - vectors.shape[1])))
    return vectors.astype(np.float32)


def train_local_embedder(
    texts: list[str], out_dir: Path, tokenizer: Tokenizer, dim: int = 256, window: int = 8, words: list[list[str]] | None = None
) -> Path:
    """Trains the corpus embedder and saves it as a sentence-transformers model folder.

    Args:
        texts: the unit texts of the whole corpus.
        out_dir: where to save the model (created).
        tokenizer: the jieba tokenizer whose words make the vocabulary.
        dim: embedding dimension.
        window: co-occurrence window, in tokens.
        words: the jieba words of each text, when the caller has them (`Tokenizer.analyse`); else
            the texts are segmented here.

    Returns:
        out_dir, loadable with `SentenceTransformer(out_dir)`.
    """
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding

    texts = [normalise(t) for t in texts]
    hf = _build_tokenizer(words if words is not None else [tokenizer.words(text) for text in texts])
    vocab_size = hf.get_vocab_size()
    encodings = hf.encode_batch(texts, add_special_tokens=False)
    sequences = [enc.ids for enc in encodings]
    vocab = hf.get_vocab()
    id_to_token = {i: t for t, i in vocab.items()}
    vectors = _ppmi_svd(sequences, vocab_size, dim, window=window)

    # Rare words have noisy co-occurrence rows: blend in the mean of their characters' vectors
    # (a fastText-like prior), then give each token its IDF as its length so mean pooling weighs it.
    flat = np.fromiter((i for seq in sequences for i in seq), dtype=np.int64)
    frequency = np.bincount(flat, minlength=vocab_size).astype(np.float64)
    distinct = np.fromiter((i for seq in sequences for i in set(seq)), dtype=np.int64)
    document_frequency = np.bincount(distinct, minlength=vocab_size).astype(np.float64)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 1e-12)
    blended = unit.copy()
    for index in range(vocab_size):
        token = id_to_token[index]
        if len(token) > 1 and frequency[index] < 5:
            parts = [vocab[ch] for ch in token if ch in vocab]
            if parts:
                prior = unit[parts].mean(axis=0)
                weight = frequency[index] / 5.0
                blended[index] = weight * unit[index] + (1 - weight) * prior
    idf = np.log((len(sequences) + 1) / (document_frequency + 1)) + 1.0
    norms = np.linalg.norm(blended, axis=1, keepdims=True)
    weights = np.divide(blended, norms, out=np.zeros_like(blended), where=norms > 1e-12) * idf[:, None]
    weights[vocab[UNK]] = 0.0

    static = StaticEmbedding(hf, embedding_weights=weights.astype(np.float32))
    model = SentenceTransformer(modules=[static], device="cpu")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save(str(out_dir))
    return out_dir
