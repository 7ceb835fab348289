"""CLI: parses arguments, calls the public API, prints; domain errors become one line on stderr."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from .config import Settings
from .errors import AssistantError, SettingsError

STEERED = "hybrid+steering"  # the search mode of `ask`: hybrid search with the question-intent rules on top


def _print_json(data: object) -> None:
    print(_printable(json.dumps(data, ensure_ascii=False)))


def _printable(text: str) -> str:
    """Text that any UTF-8 stream accepts: an undecodable byte of the command line (a lone surrogate) becomes "?"."""
    return text.encode("utf-8", "replace").decode("utf-8")


def cmd_units(args: argparse.Namespace, settings: Settings) -> int:
    from .corpus.manifest import load_corpus

    for document in load_corpus(settings.corpus_dir, args.doc):
        for unit in document.units:
            if args.json:
                _print_json(unit.to_json())
            else:
                print(f"{unit.id}\t{unit.label}\t{unit.body[:60]}")
    return 0


def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    from .errors import IndexDamaged, IndexNotBuilt, IndexStale
    from .indexing.build import build_index
    from .indexing.store import load_index

    if args.embedding_model:
        settings = settings.with_overrides(embedding_model=args.embedding_model)
    if args.if_needed:
        try:
            load_index(settings)
            print(f"The index in {settings.index_dir} is up to date.", file=sys.stderr)
            _publish(settings)
            return 0
        except (IndexNotBuilt, IndexStale, IndexDamaged) as reason:
            print(f"Rebuilding: {reason}", file=sys.stderr)
    report = build_index(settings, strict=True if args.strict else None)
    for problem in report.problems:
        print(f"warning: {problem}", file=sys.stderr)
    trained = "trained the local embedder; " if report.embedder_trained else ""
    print(
        f"Built {report.index_dir}: {report.documents} documents, {report.units} units "
        f"({report.searchable} searchable), embedder {report.embedder}, in {report.seconds:.1f} s.\n"
        f"Documents parsed: {report.parsed}, unchanged and reused: {report.reused}; {trained}"
        f"documents embedded: {report.embedded}, vectors reused: {report.vectors_reused}.",
        file=sys.stderr,
    )
    _print_recognised(settings)
    _publish(settings)
    return 0


def _publish(settings: Settings) -> None:
    """With ASSISTANT_BACKEND=milvus://…, writes the built index into a new collection and switches the alias to it."""
    if settings.backend == "local":
        return
    from .indexing.store import load_index
    from .search.milvus import publish

    live = publish(load_index(settings), settings.backend, settings.index_dir)
    print(f"Published the index to {settings.backend} as collection {live}.", file=sys.stderr)


def _print_recognised(settings: Settings) -> None:
    """Per document, what the parser recognised (headings, clauses, 专栏, table rows), read from the built index."""
    from .corpus.summary import describe
    from .indexing.reuse import read_units, units_file
    from .indexing.store import read_manifest

    for entry in read_manifest(settings.index_dir).get("documents", []):
        print(f"  {describe(entry['id'], read_units(units_file(settings.index_dir, entry['id'])))}", file=sys.stderr)


def _batch(path: Path) -> list[dict]:
    """Reads a --batch file: one {"question", "history"} object per line."""
    items = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise AssistantError(f"Cannot read the batch file {path} ({error.__class__.__name__}); pass a UTF-8 JSONL file.") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            raise AssistantError(f"{path} line {number} is not valid JSON; write one object per line.") from None
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise AssistantError(f'{path} line {number} needs a "question" string.')
        history = item.get("history", [])
        if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
            raise AssistantError(f'{path} line {number}: "history" must be a list of earlier questions.')
        items.append({"question": item["question"], "history": history})
    return items


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from .answer.conversation import Resolver
    from .search.retriever import Retriever
    from .search.steering import SteeredRetriever

    if not args.batch and args.query is None:
        raise AssistantError("Give a QUERY or --batch FILE.")
    core = Retriever.load(settings)
    items = _batch(args.batch) if args.batch else [{"question": args.query, "history": []}]
    # read as `ask` reads them: cleaned (a lone surrogate from undecodable argv bytes would crash the
    # embedder), traditional characters folded, a follow-up resolved against its history
    resolver = Resolver(core.index)
    queries = [resolver.resolve(item["question"], item["history"]).query for item in items]
    if args.mode == STEERED:
        results = SteeredRetriever(core).search_batch(queries, k=args.k, doc=args.doc)
    else:
        results = core.search_batch(queries, k=args.k, doc=args.doc, mode=args.mode)
    for item, query, hits in zip(items, queries, results, strict=True):
        if args.json:
            out = {"query": query, "hits": [hit.to_json() for hit in hits]}
            if args.batch:
                out = {"question": item["question"], **out}
            _print_json(out)
        else:
            print(f"# {query}")
            for rank, hit in enumerate(hits, start=1):
                print(f"{rank}. [{hit.score:.3f}] 《{hit.unit.doc_title}》{hit.unit.label}\n   {hit.unit.body[:120]}")
    return 0


def _print_reply(reply) -> None:
    if reply.short:
        print(f"答：{reply.short}")
    print(reply.answer)
    if reply.query and reply.query != reply.question:
        print(f"（检索：{reply.query}）")
    for citation in reply.citations:
        unit = citation.unit
        print(f"[{citation.ref}] 《{unit.doc_title}》{unit.label}")
    if reply.notice:
        print(f"注：{reply.notice}")


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from .answer.assistant import Assistant

    if not args.batch and args.question is None:
        raise AssistantError("Give a QUESTION or --batch FILE.")
    assistant = Assistant.load(settings)
    items = _batch(args.batch) if args.batch else [{"question": args.question, "history": args.history or []}]
    for item in items:
        reply = assistant.ask(item["question"], item["history"], doc=args.doc)
        if args.json:
            data = reply.to_json()
            data["question"] = item["question"]
            _print_json(data)
        else:
            _print_reply(reply)
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from .evaluation.command import run

    return run(args, settings)


def cmd_brief(args: argparse.Namespace, settings: Settings) -> int:
    """`assistant brief TOPIC [TOPIC ...]`: every topic in one process, each in every asked format.

    One topic with an --out FILE ending in .md or .docx writes that file; otherwise --out is a folder
    that gets TOPIC.md / TOPIC.docx per topic. Without --out, Markdown goes to stdout.
    """
    from .answer.assistant import Assistant
    from .briefing.briefing import build_briefing
    from .briefing.export import file_stem, to_docx, to_markdown

    formats = list(dict.fromkeys(f.strip() for f in (args.format or "").split(",") if f.strip()))
    if any(f not in ("md", "docx") for f in formats):
        raise AssistantError(f"Unknown format in --format {args.format}; use md, docx or md,docx.")
    one_file = args.out is not None and len(args.topic) == 1 and args.out.suffix.lower() in (".md", ".docx") and len(formats) <= 1
    formats = formats or ([args.out.suffix.lower()[1:]] if one_file else ["md"])
    if "docx" in formats and not args.out:
        raise AssistantError("A Word briefing needs a place: add --out FILE.docx or --out FOLDER.")
    assistant = Assistant.load(settings)
    for topic in args.topic:
        briefing = build_briefing(assistant, topic, doc=args.doc)
        if not args.out:
            print(to_markdown(briefing), end="")
            continue
        folder = args.out.parent if one_file else args.out
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for fmt in formats:
                path = args.out if one_file else folder / f"{file_stem(briefing.topic, args.doc)}.{fmt}"
                if fmt == "docx":
                    to_docx(briefing, path)
                else:
                    path.write_text(to_markdown(briefing), encoding="utf-8")
                said = {
                    "passing": " (the documents only mention this topic in passing)",
                    "absent": " (the documents do not cover this topic)",
                }
                print(f"Wrote {path}" + said.get(briefing.status, ""), file=sys.stderr)
        except OSError as error:
            raise AssistantError(f"Cannot write to {args.out} ({error.strerror or error}); choose a writable path.") from None
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from .ui.app import launch

    launch(settings)
    return 0


def cmd_feedback(args: argparse.Namespace, settings: Settings) -> int:
    from .ui.feedback import export_feedback
    from .ui.feedback_postgres import shown

    count = export_feedback(settings.feedback_db, args.export, args.format)
    print(f"Exported {count} feedback records from {shown(str(settings.feedback_db))} to {args.export}.", file=sys.stderr)
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "units": cmd_units,
    "build": cmd_build,
    "search": cmd_search,
    "ask": cmd_ask,
    "eval": cmd_eval,
    "brief": cmd_brief,
    "serve": cmd_serve,
    "feedback": cmd_feedback,
}


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors in one line, like every other error of the command."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message}; see `{self.prog} --help` (a question starting with - goes after --).\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="assistant", description="Ask Chinese policy plans; every statement cites its clause.")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an unexpected error")
    parser.add_argument("--corpus", type=Path, help="corpus folder (ASSISTANT_CORPUS_DIR, default corpus/)")
    parser.add_argument("--index", type=Path, help="index folder (ASSISTANT_INDEX_DIR, default index/)")
    sub = parser.add_subparsers(dest="command", required=True)

    units = sub.add_parser("units", help="print the citable units of the corpus")
    units.add_argument("--doc", help="only this document id")
    units.add_argument("--json", action="store_true", help="one JSON object per line")

    build = sub.add_parser("build", help="build index/ from the corpus")
    build.add_argument("--embedding-model", help="sentence-transformers model name or path (ASSISTANT_EMBEDDING_MODEL; default: local)")
    build.add_argument("--if-needed", action="store_true", help="only when the index is missing or stale")
    build.add_argument("--strict", action="store_true", help="fail on the first corpus file that cannot be read (ASSISTANT_STRICT=1)")

    search = sub.add_parser("search", help="ranked units for a query")
    search.add_argument("query", nargs="?", help="the question or search words")
    search.add_argument("-k", type=int, default=5, help="how many hits (default 5)")
    search.add_argument("--doc", help="only this document id")
    search.add_argument(
        "--mode",
        choices=[STEERED, "hybrid", "bm25", "dense"],
        default=STEERED,
        help=f"{STEERED} (default: what `ask` searches with), or a plain retriever: hybrid, bm25, dense",
    )
    search.add_argument("--batch", type=Path, help='JSONL file, one {"question", "history"} per line')
    search.add_argument("--json", action="store_true", help="JSON output (one line per query)")

    ask = sub.add_parser("ask", help="a cited answer to a question")
    ask.add_argument("question", nargs="?", help="the question, in Chinese")
    ask.add_argument("--history", nargs="*", metavar="Q", help="earlier questions of the conversation, oldest first")
    ask.add_argument("--doc", help="only this document id")
    ask.add_argument("--batch", type=Path, help='JSONL file, one {"question", "history"} per line')
    ask.add_argument("--json", action="store_true", help="JSON output (one line per question)")

    from .evaluation.command import add_arguments

    add_arguments(sub.add_parser("eval", help="evaluate retrieval and answers on a gold set; writes a report (or: eval compare A B)"))

    brief = sub.add_parser("brief", help="cited briefings on one or more topics, as Markdown and/or Word")
    brief.add_argument("topic", nargs="+", help="the topics, e.g. 采煤沉陷区综合治理 人才支撑")
    brief.add_argument("--doc", help="only this document id")
    brief.add_argument("--format", help="md (default), docx or md,docx (docx needs --out)")
    brief.add_argument(
        "--out", type=Path, help="a folder for TOPIC.md / TOPIC.docx, or one .md/.docx file for one topic (default: Markdown to stdout)"
    )
    sub.add_parser("serve", help="start the web app on ASSISTANT_HOST:ASSISTANT_PORT (login: ASSISTANT_AUTH=user:password)")
    feedback = sub.add_parser("feedback", help="export the app's feedback (ASSISTANT_FEEDBACK_DB)")
    feedback.add_argument("--export", type=Path, required=True, metavar="FILE", help="file to write (.csv or .jsonl)")
    feedback.add_argument("--format", choices=["csv", "jsonl"], help="default: from the file name, else csv")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env().with_overrides(corpus_dir=args.corpus, index_dir=args.index)
        return COMMANDS[args.command](args, settings)
    except SettingsError as error:  # bad settings from the environment
        print(f"assistant: {error}", file=sys.stderr)
        return 2
    except AssistantError as error:
        print(f"assistant: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `assistant units --json | head`
        return 0
    except KeyboardInterrupt:
        print("assistant: interrupted.", file=sys.stderr)
        return 130
    except Exception as error:  # a bug or an unforeseen failure: still one line, unless asked for more
        if args.debug:
            raise
        said = " ".join(str(error).split())[:300]
        print(_printable(f"assistant: unexpected {type(error).__name__} ({said}); rerun with --debug for the traceback."), file=sys.stderr)
        return 1
