"""The manifest's fields are validated by type, and no document path may lead out of the corpus folder (issue 20, findings 2 and 6)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.corpus.manifest import load_corpus_report, load_manifest, scan_corpus
from assistant.errors import CorpusError

TEXT = "第一章 总则\n\n一、加快老工业区改造\n\n推进采煤沉陷区综合治理，建设产业发展平台36个。\n"
SECRET = "第一章 机密\n\n一、口令\n\n管理员口令是hunter2，不得外传。\n"


def corpus(tmp_path: Path, manifest: str) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "plan.txt").write_text(TEXT, encoding="utf-8")
    (folder / "documents.toml").write_text(manifest, encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.txt").write_text(SECRET, encoding="utf-8")
    return folder


PLAN = '[[document]]\nid = "plan"\ntitle = "规划"\nfile = "plan.txt"\n'


def test_aliases_given_as_a_string_are_refused_naming_the_line(tmp_path):
    folder = corpus(tmp_path, PLAN + 'aliases = "江苏省"\n')
    with pytest.raises(CorpusError) as error:
        load_manifest(folder)
    assert str(error.value) == (
        f'{folder / "documents.toml"}, line 5: aliases must be an array of strings, such as aliases = ["江苏省", "振兴规划"], not str.'
    )


def test_document_as_a_table_is_refused_naming_the_line(tmp_path):
    folder = corpus(tmp_path, '# plans\n[document]\nid = "plan"\ntitle = "规划"\nfile = "plan.txt"\n')
    with pytest.raises(CorpusError) as error:
        load_manifest(folder)
    assert str(error.value) == (
        f"{folder / 'documents.toml'}, line 2: document must be an array of tables, one [[document]] heading per plan; "
        "fix the file and rebuild."
    )


def test_every_field_of_the_wrong_type_gets_its_own_sentence(tmp_path):
    manifest = PLAN + '\n[[document]]\nid = "other"\ntitle = 12\nshort = ["a"]\nfile = "plan.txt"\naliases = ["江苏", 3]\n'
    folder = corpus(tmp_path, manifest)
    with pytest.raises(CorpusError) as error:
        load_manifest(folder)
    path = folder / "documents.toml"
    assert str(error.value) == (
        f"{path}, line 8: title must be a quoted string, not int. "
        f"{path}, line 9: short must be a quoted string, not list. "
        f'{path}, line 11: aliases must be an array of strings, such as aliases = ["江苏省", "振兴规划"], not list.'
    )


@pytest.mark.parametrize("file", ["../outside/x.txt", "ABSOLUTE"], ids=["dot-dot", "absolute"])
def test_a_listed_file_outside_the_corpus_is_refused_and_not_read(tmp_path, file):
    folder = corpus(tmp_path, "")
    if file == "ABSOLUTE":
        file = str(tmp_path / "outside" / "x.txt")
    (folder / "documents.toml").write_text(PLAN + f'\n[[document]]\nid = "x"\ntitle = "机密"\nfile = "{file}"\n', encoding="utf-8")
    documents, problems = load_corpus_report(folder)
    assert [d.spec.id for d in documents] == ["plan"]
    assert problems == [
        f"{folder / file} is outside the corpus folder {folder} (paths and symlinks must stay inside it), so it is not read "
        f"(entry 2, file {file}, was left out)."
    ]
    with pytest.raises(CorpusError, match="is outside the corpus folder"):
        scan_corpus(folder, strict=True)


def test_a_symlink_pointing_out_of_the_corpus_is_refused(tmp_path):
    folder = corpus(tmp_path, PLAN)
    os.symlink(tmp_path / "outside" / "x.txt", folder / "x.txt")
    documents, problems = load_corpus_report(folder)
    assert [d.spec.id for d in documents] == ["plan"]
    assert all("hunter2" not in unit.text for d in documents for unit in d.units)
    assert problems == [
        f"{folder / 'x.txt'} is outside the corpus folder {folder} (paths and symlinks must stay inside it), so it is not read."
    ]


def test_a_symlink_inside_the_corpus_is_read(tmp_path):
    folder = corpus(tmp_path, "")
    (folder / "sub").mkdir()
    os.replace(folder / "plan.txt", folder / "sub" / "plan.txt")
    os.symlink(folder / "sub" / "plan.txt", folder / "plan.txt")
    (folder / "documents.toml").write_text(PLAN, encoding="utf-8")
    documents, problems = load_corpus_report(folder)
    assert ([d.spec.id for d in documents], problems) == (["plan"], [])


# --- encodings (finding 7): Big5 is read as Big5, not as GB18030 mojibake -------------------------

TRADITIONAL = "第一章 總則\n\n一、堅持以礦工為中心\n\n提高職工收入水平，優化收入分配結構，推進採煤沉陷區綜合治理。\n"


def test_big5_text_is_read_as_big5(tmp_path):
    from assistant.corpus.readers import read_document

    path = tmp_path / "plan.txt"
    path.write_bytes(TRADITIONAL.encode("big5"))
    assert read_document(path) == read_document_of(tmp_path, TRADITIONAL)


def test_gbk_and_utf8_corpus_files_are_not_taken_for_big5(tmp_path, corpus_dir):
    from assistant.corpus.readers import read_document

    for source in sorted(corpus_dir.glob("*.txt")):
        text = source.read_text(encoding="utf-8")
        path = tmp_path / source.name
        path.write_bytes(text.encode("gb18030"))
        assert read_document(path) == read_document(source)


def read_document_of(folder: Path, text: str) -> str:
    from assistant.corpus.readers import read_document

    path = folder / "utf8.txt"
    path.write_text(text, encoding="utf-8")
    return read_document(path)
