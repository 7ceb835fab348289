"""The benchmarks still run (on a tiny subset, --quick) and print their tables; their figures are not checked."""

from __future__ import annotations

import pytest

from bench import answer, coldstart, retrieval, scale

pytestmark = pytest.mark.slow


def test_the_retrieval_benchmark_runs(tmp_path, capsys):
    assert retrieval.main(["--quick", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "| search (k=5) | p50 ms | p95 ms | p50 vs baseline | p95 vs baseline |" in printed
    assert [line.split(" | ")[0] for line in printed.splitlines() if line.startswith("| ")][-5:] == [
        "| baseline (LangChain chunks + BM25)",
        "| bm25",
        "| dense",
        "| hybrid",
        "| hybrid+steering",
    ]
    assert (tmp_path / "retrieval.md").read_text(encoding="utf-8") == printed


def test_the_answer_benchmark_runs(tmp_path, capsys):
    assert answer.main(["--quick", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "| Assistant.ask, warm (10 questions x 1) |" in printed
    assert "| `assistant ask` cold start (1 processes) |" in printed
    assert "Answered (found) 10 of 10 questions." in printed


def test_the_coldstart_benchmark_runs(settings, tmp_path, capsys):
    options = ["--quick", "--out", str(tmp_path), "--index", str(settings.index_dir), "--corpus", str(settings.corpus_dir)]
    assert coldstart.main(options) == 0
    printed = capsys.readouterr().out
    assert "| figure | median s | max s | median CPU s | runs s |" in printed
    assert [line.split(" | ")[0] for line in printed.splitlines() if line.startswith("| ")][-3:] == ["| help", "| units", "| ask"]
    assert (tmp_path / "coldstart.md").read_text(encoding="utf-8") == printed


def test_the_scale_benchmark_runs(tmp_path, capsys):
    assert scale.main(["--quick", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "| 305 | 5 |" in printed
    assert printed.split("identical rankings |")[1].splitlines()[2].endswith("| 20 / 20 |")  # partition == full sort
    assert "| IndexIDMap2(IndexFlatIP) |" in printed
    assert (tmp_path / "scale.md").exists()


def test_the_synthetic_corpus_is_the_same_for_the_same_seed(tmp_path):
    from bench.synthetic import write_corpus
    from bench.timing import ROOT

    assert write_corpus(tmp_path / "a", 150, ROOT / "corpus") == 3
    write_corpus(tmp_path / "b", 150, ROOT / "corpus")
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == ["documents.toml", "plan00001.txt", "plan00002.txt", "plan00003.txt"]
    assert all((tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes() for name in files)
