"""The build's side of forgiving queries (pilotkb/search/forgive.py): readings in context,
pinyin keys, the traditional characters kept."""

from __future__ import annotations

from pilotkb.search.forgive import pinyin_keys, read_runs, traditional_pairs
from pilotkb.search.segment import Segmenter


def test_a_character_of_several_readings_is_read_as_in_its_word():
    read = read_runs(["银行行长", "重庆", "河长制", "绿色"])
    assert read.words["银行行长"] == ("yin", "hang", "hang", "zhang")
    assert read.words["重庆"] == ("chong", "qing")
    assert read.words["河长制"] == ("he", "zhang", "zhi")
    assert read.words["绿色"] == ("lv", "se")  # ü typed as v, as input methods do
    # a single character keeps every reading (a typo's character may be read either way)
    assert set(read.chars["长"]) == {"chang", "zhang"}
    assert "zhi" in read.chars["值"] and "tong" in read.chars["痛"]  # common characters too


def test_pinyin_keys_are_the_index_words_inside_titles_read_as_there():
    read = read_runs(["银行行长", "社保卡办理"])
    seg = Segmenter(["银行行长", "社保卡"])
    keys = pinyin_keys(read, seg, {"银行行长", "银行", "行长", "社保卡", "办理"})
    assert keys["hang'zhang"] == ["行长"]  # háng zhǎng, not xíng cháng
    assert keys["yin'hang'hang'zhang"] == ["银行行长"]
    assert keys["she'bao'ka"] == ["社保卡"] and keys["ban'li"] == ["办理"]
    assert "xing'chang" not in keys and "she'bao'ka'ban'li" not in keys  # not an index word


def test_traditional_characters_are_kept_for_the_simplified_ones_the_index_holds():
    pairs = traditional_pairs({"党", "体", "检", "着", "著"})
    table = {pairs[i]: pairs[i + 1] for i in range(0, len(pairs), 2)}
    assert table == {"黨": "党", "體": "体", "檢": "检"}  # 著 is a character the index holds
