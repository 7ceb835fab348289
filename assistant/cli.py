"""CLI: parses arguments, calls the public API, prints; domain errors become one line on stderr."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from .config import Settings
from .errors import AssistantError


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False))


def cmd_units(args: argparse.Namespace, settings: Settings) -> int:
    from .documents import load_corpus

    for document in load_corpus(settings.corpus_dir, args.doc):
        for unit in document.units:
            if args.json:
                _print_json(unit.to_json())
            else:
                print(f"{unit.id}\t{unit.label}\t{unit.body[:60]}")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {"units": cmd_units}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description="Ask Chinese policy plans; every statement cites its clause.")
    parser.add_argument("--corpus", type=Path, help="corpus folder (ASSISTANT_CORPUS_DIR, default corpus/)")
    parser.add_argument("--index", type=Path, help="index folder (ASSISTANT_INDEX_DIR, default index/)")
    sub = parser.add_subparsers(dest="command", required=True)

    units = sub.add_parser("units", help="print the citable units of the corpus")
    units.add_argument("--doc", help="only this document id")
    units.add_argument("--json", action="store_true", help="one JSON object per line")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env().with_overrides(corpus_dir=args.corpus, index_dir=args.index)
        return COMMANDS[args.command](args, settings)
    except AssistantError as error:
        print(f"assistant: {error}", file=sys.stderr)
        return 1
    except ValueError as error:  # bad settings from the environment
        print(f"assistant: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `assistant units --json | head`
        return 0
    except KeyboardInterrupt:
        print("assistant: interrupted.", file=sys.stderr)
        return 130
