"""Settings: one object with defaults, and the one place that reads ASSISTANT_* variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import SettingsError

#: The embedder built from the corpus at index time (no network needed).
LOCAL_EMBEDDER = "local"
TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"", "0", "false", "no", "off"})
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


@dataclass(frozen=True)
class Settings:
    """Everything the assistant can be told; defaults work offline on the shipped corpus."""

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    # "local" trains a static embedder on the corpus; anything else is a sentence-transformers
    # model name or a local path (e.g. "BAAI/bge-small-zh-v1.5").
    embedding_model: str = LOCAL_EMBEDDER
    # A build fails at the first corpus file it cannot read instead of leaving it out with a warning.
    strict: bool = False
    host: str = "127.0.0.1"
    port: int = 7860
    top_k: int = 5
    # Optional OpenAI-compatible endpoint; off unless llm_base_url is set.
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = field(default="", repr=False)
    llm_timeout: float = 20.0
    # A file path is SQLite (one machine); "postgresql://user@host/db" is PostgreSQL, shared by several replicas.
    feedback_db: Path | str = Path("feedback.sqlite3")
    # Where candidates come from: "local" (the index folder), "milvus:///path/units.db" (embedded
    # milvus-lite, one process) or "milvus://host:19530" (a Milvus server, shared by several replicas).
    backend: str = "local"
    auth: str = field(default="", repr=False)  # "user:password" enables the app's login
    # "user:password" of the one account that may export feedback in the app; unset, the app offers no export.
    admin: str = field(default="", repr=False)

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    def with_overrides(self, **changes: object) -> Settings:
        """Returns a copy with the given non-None fields replaced."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Reads ASSISTANT_* variables (and OPENAI_API_KEY as a fallback key).

        Args:
            environ: the environment to read; os.environ when None.

        Returns:
            Settings with every variable that is set applied over the defaults.
        """
        env = os.environ if environ is None else environ
        base = cls()

        def get(name: str, default: str) -> str:
            return env.get(f"ASSISTANT_{name}", default)

        port_text = get("PORT", str(base.port))
        try:
            port = int(port_text)
        except ValueError:
            raise SettingsError(f"ASSISTANT_PORT must be a number, got {port_text!r}.") from None
        timeout_text = get("LLM_TIMEOUT", str(base.llm_timeout))
        try:
            timeout = float(timeout_text)
        except ValueError:
            raise SettingsError(f"ASSISTANT_LLM_TIMEOUT must be seconds, got {timeout_text!r}.") from None
        strict_text = get("STRICT", "").strip().lower()
        if strict_text not in TRUE | FALSE:
            raise SettingsError(f"ASSISTANT_STRICT must be 1 or 0 (true or false), got {strict_text!r}.")
        backend = get("BACKEND", base.backend).strip() or base.backend
        if backend != "local" and not backend.startswith("milvus://"):
            raise SettingsError(
                f"ASSISTANT_BACKEND is 'local', 'milvus:///path/units.db' (embedded) or 'milvus://host:19530' (a server), not {backend!r}."
            )
        feedback_text = get("FEEDBACK_DB", str(base.feedback_db))
        return cls(
            corpus_dir=Path(get("CORPUS_DIR", str(base.corpus_dir))),
            index_dir=Path(get("INDEX_DIR", str(base.index_dir))),
            embedding_model=get("EMBEDDING_MODEL", base.embedding_model),
            strict=strict_text in TRUE,
            host=get("HOST", base.host),
            port=port,
            llm_base_url=get("LLM_BASE_URL", ""),
            llm_model=get("LLM_MODEL", ""),
            llm_api_key=get("LLM_API_KEY", env.get("OPENAI_API_KEY", "")),
            llm_timeout=timeout,
            feedback_db=feedback_text if feedback_text.startswith(POSTGRES_SCHEMES) else Path(feedback_text),
            backend=backend,
            auth=get("AUTH", ""),
            admin=get("ADMIN", ""),
        )
