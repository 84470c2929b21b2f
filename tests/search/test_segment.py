"""Segmentation: the catalogue's words stay whole, their parts are found too."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pilotkb.search import page_text, search_documents
from pilotkb.search.documents import page_path
from pilotkb.search.segment import Segmenter, data_words, fold, load_jieba, strip_affixes, text_chars

from ..conftest import ROOT


@pytest.fixture(scope="module")
def segmenter(real_catalog) -> Segmenter:
    return Segmenter(data_words(real_catalog))


def test_fold_reads_a_query_as_the_pages_were_read():
    assert fold("ＡＢＣ") == "abc"
    assert fold("ＰＭ２．５") == "pm2.5"
    assert fold("“两权”抵押") == "两权抵押"


def test_the_core_of_a_name_is_left_without_its_frame():
    assert strip_affixes("资产收益扶贫新模式", []) == "资产收益扶贫"
    assert strip_affixes("淄川区国家级资产收益扶贫试点", ["淄川区"]) == "资产收益扶贫"
    assert strip_affixes("智慧园区试点第二批", []) == "智慧园区"
    # never below two characters: the prefix goes, then the suffix must stay
    assert strip_affixes("全国试点", []) == "试点"


def test_domain_words_stay_whole(real_catalog, segmenter):
    words = data_words(real_catalog)
    for w in ("刑责治污", "村官直审", "资产收益扶贫", "救急难", "一为主两报告", "河长制", "多规合一"):
        assert w in words, w
    assert "改革试点" in words  # the frame words are vocabulary too
    terms = {t for t, _ in segmenter.terms("我市探索资产收益扶贫新模式，推行“刑责治污”模式")}
    assert {"资产收益扶贫", "刑责治污"} <= terms
    # the parts of a whole word are indexed too, at half weight
    parts = dict(segmenter.terms("资产收益扶贫"))
    assert parts["资产收益扶贫"] == 1.0 and parts["扶贫"] == parts["资产"] == parts["收益"] == 0.5
    assert [t for t, w in segmenter.terms("ＰＭ２．５下降") if w == 1] == ["pm2.5", "下降"]


def test_jieba_is_loaded_without_pkg_resources_or_warnings():
    """jieba imported (in a fresh process) without importing pkg_resources (it reads every
    installed distribution: ~10 MB, 0.1 s), without its warnings, and usable."""
    code = (
        "import sys, warnings; warnings.simplefilter('error');"
        "from pilotkb.search.segment import load_jieba; jieba = load_jieba();"
        "print('pkg_resources' in sys.modules, '/'.join(jieba.lcut('资产收益扶贫')))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["False", "资产/收益/扶贫"]
    assert load_jieba() is sys.modules["jieba"]


def test_a_dictionary_read_for_the_data_characters_cuts_every_text_as_the_whole(real_site, real_catalog):
    """The index is made with jieba's dictionary read only for the characters of the data, the
    source texts and the package's templates (a fraction of it in memory): every text of the
    site is cut into the same terms as with the whole dictionary; a text with another
    character makes the segmenter load the whole first, and is cut the same too."""
    words = data_words(real_catalog)
    whole, part = Segmenter(words), Segmenter(words, text_chars(real_catalog))
    assert part.chars is not None and len(part.freq) < len(whole.freq) / 2
    texts = []
    for d in search_documents(real_catalog, True):
        if d.blocks is None:
            texts += page_text(page_path(real_site, d.url).read_text(encoding="utf-8"))
        else:
            texts += [d.title, *(text for text, _ in d.blocks)]
    assert len(texts) > 1000
    for text in texts:
        assert list(part.terms(text)) == list(whole.terms(text)), text
    assert part.chars is not None  # no page held a character beyond them
    rare = "饕餮盛宴与魑魅魍魉"  # characters no text of the site has
    assert not set(rare) <= part.chars
    assert list(part.terms(rare)) == list(whole.terms(rare))
    assert part.chars is None and len(part.freq) == len(whole.freq)
