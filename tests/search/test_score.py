"""Scoring: impacts of terms in a document, and the vocabulary that widens them."""

from __future__ import annotations

from pilotkb.search.expand import EXPANSION, expand_impacts, expansions, vocabulary
from pilotkb.search.format import MAX_IMPACT
from pilotkb.search.score import TITLE_WEIGHT, impacts_of, term_weights
from pilotkb.search.segment import Segmenter, data_words


def test_a_title_term_counts_more_than_a_body_term():
    tf, length = term_weights([("河长制", 1.0)], [("河长制", 1.0), ("河长", 0.5), ("水质", 1.0)])
    assert tf == {"河长制": TITLE_WEIGHT + 1.0, "河长": 0.5, "水质": 1.0}
    assert length == 2.5 + 1
    # a word inside a title's token is as much the title's word as the token
    tf, _ = term_weights([("资产收益扶贫新模式", 1.0), ("资产收益扶贫", 0.5)], [])
    assert tf == {"资产收益扶贫新模式": TITLE_WEIGHT, "资产收益扶贫": TITLE_WEIGHT}


def test_impacts_saturate_and_favour_the_title():
    body = {"扶贫": 1.0, "投资": 1.0}
    once = impacts_of(body, 10, "资产收益扶贫", 10)
    assert once["扶贫"] > once["投资"]  # the same count, but 扶贫 is in the title
    many = impacts_of({"投资": 50.0}, 10, "资产收益扶贫", 10)["投资"]
    more = impacts_of({"投资": 500.0}, 10, "资产收益扶贫", 10)["投资"]
    assert once["投资"] < many and more - many <= 1  # the 500th mention adds (almost) nothing
    whole = impacts_of({"扶贫": 1.0}, 10, "扶贫", 10)["扶贫"]
    assert whole > once["扶贫"]  # a term that is the whole title beats one that is part of it
    # a long document's mention weighs less than a short one's
    assert impacts_of({"投资": 1.0}, 100, "", 10)["投资"] < impacts_of({"投资": 1.0}, 5, "", 10)["投资"]
    extremes = impacts_of({"甲": 1e9, "乙": 1e-9}, 1, "甲", 1000)
    assert extremes == {"甲": MAX_IMPACT, "乙": 1}


def test_vocabulary_finds_aliases_both_ways_and_includes_one_way(real_catalog):
    synonyms = vocabulary(real_catalog)
    assert "社保卡" in synonyms["社会保障卡"] and "社会保障卡" in synonyms["社保卡"]
    assert "信访" in synonyms["群众来访"]  # a page about 群众来访 is found by 信访 …
    assert "群众来访" not in synonyms.get("信访", set())  # … not the other way round
    assert "两权抵押" in synonyms["两权抵押贷款"]  # folded: “两权”抵押 is 两权抵押


def test_expansion_ranks_below_the_word_itself(real_catalog):
    shares = expansions(real_catalog, Segmenter(data_words(real_catalog)))
    impacts = expand_impacts({"社保卡": 40, "会议": 10}, shares)
    assert impacts["社保卡"] == 40 and impacts["会议"] == 10
    assert impacts["社会保障卡"] == round(40 * EXPANSION)
    # a document using both words keeps its own impact for each
    assert expand_impacts({"社保卡": 40, "社会保障卡": 50}, shares)["社会保障卡"] == 50
    assert expand_impacts({"社保卡": 1}, shares)["社会保障卡"] == 1  # never 0
    assert expand_impacts({"a": 3}, {}) == {"a": 3}
    # the words inside a vocabulary word, at half its share, as inside any long token
    impacts = expand_impacts({"医联体": 40}, shares)
    assert impacts["医院联合体"] == round(40 * EXPANSION)
    assert impacts["联合体"] == impacts["医疗"] == round(40 * EXPANSION / 2)
