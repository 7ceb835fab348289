"""Safe rebuilds: a killed build leaves the previous index answering, and the next build cleans up after it."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.answer.assistant import Assistant
from assistant.config import Settings
from assistant.errors import AssistantError, IndexUnwritable
from assistant.indexing.build import build_index
from assistant.indexing.staging import leftovers, lock_file
from assistant.indexing.store import load_index

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "江苏“十四五”要完成多少亩已有采煤沉陷区治理面积？"
# Runs `assistant build` and SIGKILLs itself right after the new BM25 index is written to staging:
# no handler, no finally block runs, as when the machine loses power or the OOM killer strikes.
KILLED_BUILD = """
import os, signal, sys
from assistant.indexing import lexical
save = lexical.LexicalIndex.save
def save_then_die(self, folder):
    save(self, folder)
    os.kill(os.getpid(), signal.SIGKILL)
lexical.LexicalIndex.save = save_then_die
from assistant.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture
def workspace(tmp_path, settings) -> Settings:
    shutil.copytree(settings.corpus_dir, tmp_path / "corpus")
    shutil.copytree(settings.index_dir, tmp_path / "index")
    return Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")


def answer(settings: Settings) -> tuple[bool, str]:
    reply = Assistant(load_index(settings), settings).ask(QUESTION)
    return reply.found, reply.citations[0].unit.id


@pytest.mark.slow
def test_a_build_killed_halfway_leaves_the_old_index_answering(workspace):
    before = answer(workspace)
    manifest = (workspace.index_dir / "manifest.json").read_bytes()
    argv = [sys.executable, "-c", KILLED_BUILD, "--corpus", str(workspace.corpus_dir), "--index", str(workspace.index_dir), "build"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    build = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert build.wait(timeout=300) == -signal.SIGKILL
    staging = leftovers(workspace.index_dir)
    assert [p.name for p in staging] == [f".index.building-{build.pid}"]
    assert sorted(p.name for p in staging[0].iterdir()) == ["bm25", "docs"]
    assert (workspace.index_dir / "manifest.json").read_bytes() == manifest
    assert answer(workspace) == before

    report = build_index(workspace)
    assert leftovers(workspace.index_dir) == []
    assert (report.parsed, report.reused) == (0, 2)
    assert answer(workspace) == before


@pytest.mark.slow
def test_a_build_killed_between_the_two_renames_puts_the_old_index_back(workspace):
    before = answer(workspace)
    aside = workspace.index_dir.parent / ".index.old-4242"
    os.replace(workspace.index_dir, aside)
    report = build_index(workspace)
    assert (report.parsed, report.reused, report.vectors_reused) == (0, 2, 2)
    assert leftovers(workspace.index_dir) == []
    assert answer(workspace) == before


def test_a_failing_build_removes_its_staging_folder_and_keeps_the_index(workspace, monkeypatch):
    from assistant.indexing import build as index_module

    manifest = (workspace.index_dir / "manifest.json").read_bytes()

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(index_module.DenseIndex, "build", broken)
    with pytest.raises(RuntimeError):
        build_index(workspace)
    assert leftovers(workspace.index_dir) == []
    assert (workspace.index_dir / "manifest.json").read_bytes() == manifest


def test_a_file_in_the_way_of_the_index_folder_is_one_sentence(workspace, tmp_path):
    (tmp_path / "taken").write_text("not a folder", encoding="utf-8")
    target = tmp_path / "taken" / "index"
    with pytest.raises(IndexUnwritable) as caught:
        build_index(workspace.with_overrides(index_dir=target))
    assert str(caught.value) == (
        f"Cannot write the index to {target} ({tmp_path / 'taken'} is a file, not a folder); move {tmp_path / 'taken'} away, "
        "or pass --index DIR (or set ASSISTANT_INDEX_DIR) to build it elsewhere."
    )


def test_an_unwritable_index_folder_is_one_sentence(workspace, monkeypatch, capsys):
    # Tests may run as root, for whom chmod does not forbid writing: refuse as the kernel would.
    real_mkdir = Path.mkdir

    def refuse(self, *args, **kwargs):
        if self.name.startswith(".index.building-"):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refuse)
    from assistant import cli

    assert cli.main(["--corpus", str(workspace.corpus_dir), "--index", str(workspace.index_dir), "build"]) == 1
    assert capsys.readouterr().err == (
        f"assistant: Cannot write the index to {workspace.index_dir} (Permission denied); make {workspace.index_dir.parent} "
        "writable for this user, or pass --index DIR (or set ASSISTANT_INDEX_DIR) to build it elsewhere.\n"
    )


def test_a_second_build_of_the_same_index_waits_its_turn(workspace):
    holder = os.open(lock_file(workspace.index_dir), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(AssistantError) as caught:
            build_index(workspace)
    finally:
        os.close(holder)
    assert str(caught.value) == f"Another build is writing {workspace.index_dir}; wait for it to finish and try again."
    assert leftovers(workspace.index_dir) == []


def test_two_index_folders_under_one_parent_build_at_once(workspace, tmp_path):
    from assistant.indexing.staging import staged
    from assistant.indexing.store import MANIFEST, OWNED

    class Stop(Exception):
        pass

    other = workspace.with_overrides(index_dir=tmp_path / "other-index")
    with pytest.raises(Stop), staged(workspace.index_dir, OWNED, MANIFEST):  # a build of index/ is running…
        report = build_index(other)
        raise Stop  # …and fails, leaving index/ as it was
    assert report.index_dir == tmp_path / "other-index"
    assert load_index(other).manifest["unit_count"] == load_index(workspace).manifest["unit_count"]


def test_a_load_puts_back_an_index_left_aside_by_a_build_killed_mid_swap(workspace):
    before = answer(workspace)
    aside = workspace.index_dir.parent / ".index.old-4242"
    os.replace(workspace.index_dir, aside)
    assert answer(workspace) == before
    assert (workspace.index_dir / "manifest.json").is_file() and not aside.exists()


@pytest.mark.parametrize(
    "error",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        RuntimeError('Error while serializing: IoError(Os { code: 28, kind: StorageFull, message: "No space left on device" })'),
        shutil.Error([("a", "b", "[Errno 28] No space left on device")]),
    ],
    ids=["oserror", "safetensors", "shutil"],
)
def test_a_full_disk_says_the_disk_is_full(workspace, monkeypatch, error):
    from assistant.indexing import build as index_module

    manifest = (workspace.index_dir / "manifest.json").read_bytes()

    def full(*args, **kwargs):
        raise error

    monkeypatch.setattr(index_module.DenseIndex, "build", full)
    with pytest.raises(IndexUnwritable) as caught:
        build_index(workspace)
    assert str(caught.value) == (
        f"Cannot write the index to {workspace.index_dir} (the disk is full); free some disk space on the disk of "
        f"{workspace.index_dir.parent}, or pass --index DIR (or set ASSISTANT_INDEX_DIR) to build it elsewhere."
    )
    assert leftovers(workspace.index_dir) == []
    assert (workspace.index_dir / "manifest.json").read_bytes() == manifest


def test_a_changed_corpus_with_a_read_only_index_serves_the_old_index_with_a_warning(workspace, monkeypatch, caplog):
    import logging

    from assistant.indexing import build as index_module
    from assistant.indexing.build import ensure_index

    before = answer(workspace)
    with open(workspace.corpus_dir / "coal-old-mining-areas.txt", "a", encoding="utf-8") as handle:
        handle.write("\n补充说明。\n")

    def read_only(settings, strict=None):
        raise IndexUnwritable(f"Cannot write the index to {settings.index_dir} (Read-only file system); …")

    monkeypatch.setattr(index_module, "build_index", read_only)
    with caplog.at_level(logging.WARNING, logger="assistant.indexing.build"):
        index = ensure_index(workspace)
    assert Assistant(index, workspace).ask(QUESTION).citations[0].unit.id == before[1]
    assert [r.getMessage() for r in caplog.records] == [
        f"warning: Cannot write the index to {workspace.index_dir} (Read-only file system); … "
        "The index built from the previous corpus is served until it can be rebuilt."
    ]


def test_pdf_reader_warnings_become_one_problem_naming_the_file(tmp_path, monkeypatch, capsys):
    import logging
    import warnings

    from assistant.corpus.manifest import Source
    from assistant.indexing import build as index_module
    from assistant.records import DocumentSpec

    def warn_and_fail(source, strict, problems):
        logging.getLogger("pypdf._reader").warning("Ignoring wrong pointing object 6 0 (offset 0)")
        warnings.warn("incorrect startxref pointer(1)", stacklevel=1)
        return None

    monkeypatch.setattr(index_module, "read_or_report", warn_and_fail)
    source = Source(DocumentSpec("plan", "规划", "规划", "plan.pdf"), tmp_path / "plan.pdf", True, "")
    previous = index_module.Previous.open(tmp_path / "index", index_module.MANIFEST, index_module.FORMAT)
    problems: list[str] = []
    assert index_module._document(source, previous, "p", False, problems) is None
    assert problems == [
        f"{tmp_path / 'plan.pdf'}: the PDF reader warned: Ignoring wrong pointing object 6 0 (offset 0); incorrect startxref pointer(1)."
    ]
    assert capsys.readouterr().err == ""


def test_a_pdf_that_cannot_be_read_is_one_problem_without_its_reader_warnings(tmp_path, monkeypatch):
    import logging

    from assistant.corpus.manifest import Source
    from assistant.indexing import build as index_module
    from assistant.records import DocumentSpec

    def warn_and_report(source, strict, problems):
        logging.getLogger("pypdf._reader").warning("EOF marker not found")
        problems.append(f"{source.path} is not a readable PDF.")
        return None

    monkeypatch.setattr(index_module, "read_or_report", warn_and_report)
    source = Source(DocumentSpec("scan", "扫描件", "扫描件", "scan.pdf"), tmp_path / "scan.pdf", True, "")
    previous = index_module.Previous.open(tmp_path / "index", index_module.MANIFEST, index_module.FORMAT)
    problems: list[str] = []
    assert index_module._document(source, previous, "p", False, problems) is None
    assert problems == [f"{tmp_path / 'scan.pdf'} is not a readable PDF."]
