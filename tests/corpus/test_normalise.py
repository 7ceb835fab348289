"""Normalise: radicals, compatibility ideographs and full-width letters become the characters of the simplified text."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from assistant.corpus.normalise import RADICALS, normalise_characters, special_characters

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def _assigned(start: int, end: int) -> list[str]:
    return [chr(code) for code in range(start, end + 1) if unicodedata.name(chr(code), "")]


def test_every_kangxi_and_supplement_radical_maps_to_a_unified_ideograph():
    radicals = _assigned(0x2E80, 0x2EFF) + _assigned(0x2F00, 0x2FDF)
    assert len(radicals) == 329
    assert sorted(RADICALS) == sorted(radicals)
    assert [r for r in radicals if not unicodedata.name(RADICALS[r]).startswith("CJK UNIFIED IDEOGRAPH")] == []


def test_pdf_radicals_come_back_as_the_simplified_characters():
    assert normalise_characters("⽼⼯业 第⼀章 前⾔ ⾃⼰") == "老工业 第一章 前言 自己"
    # The supplement that NFKC leaves alone, and the door that NFKC would make traditional (戶).
    assert normalise_characters("⺠⻓⻅⻩⻔⻢⻋ ⼾数") == "民长见黄门马车 户数"
    assert unicodedata.normalize("NFKC", "⼾⺠") == "戶⺠"


def test_compatibility_ideographs_and_full_width_letters_are_replaced_but_chinese_punctuation_stays():
    assert normalise_characters("郎 ２０２５年 ＧＤＰ ５Ｇ （一）：，。％") == "郎 2025年 GDP 5G （一）：，。％"
    assert special_characters("⽼⼯业 ２０") == 4
    text = "第一章 总则"
    assert normalise_characters(text) is text


def test_the_shipped_texts_need_no_normalising():
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert special_characters(text) == 0, path.name
