"""Ids proposed for new records: pinyin of the name's words plus a hash of the name, the same on
every branch, valid as an id, and free."""

from __future__ import annotations

import pytest

from pilotkb.data.model import RESERVED_IDS, SLUG_RE
from pilotkb.editing.ids import MAX_CHARS, MAX_WORDS, name_hash, propose_id, slug_words


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("临淄区河长制改革试点", "linziqu-hezhangzhi"),  # 改革, 试点: generic, dropped
        ("改革试点", "gaige-shidian"),  # nothing but generic words: kept
        ("5G 应用示范", "5g-yingyong-shifan"),  # digits and Latin letters kept, lower case
        ("G20 峰会保障", "g20-fenghui-baozhang"),
        ("ABC公司2号线改造工程建设管理体制机制创新示范", "abc-gongsi-2-haoxian"),  # four words at most
    ],
)
def test_the_readable_part_is_the_pinyin_of_the_words(name: str, stem: str) -> None:
    rid = propose_id(name)
    assert rid == f"{stem}-{name_hash(name, 4)}"
    assert SLUG_RE.match(rid) and rid not in RESERVED_IDS


def test_a_name_without_letters_gets_an_id_from_its_hash_alone() -> None:
    assert propose_id("！！！") == f"id-{name_hash('！！！', 4)}"


def test_the_slug_stays_short() -> None:
    words = slug_words("中华人民共和国国家发展和改革委员会全面深化改革领导小组办公室")
    assert 1 <= len(words) <= MAX_WORDS and len("-".join(words)) <= MAX_CHARS


def test_the_same_name_gives_the_same_id_and_a_taken_id_lengthens_the_hash() -> None:
    name = "博山区扶贫车间"
    first = propose_id(name)
    assert propose_id(f"  {name} ") == first  # spaces around the name do not count
    second = propose_id(name, {first})
    assert second == first[:-4] + name_hash(name, 6)
    third = propose_id(name, {first, second})
    assert third == first[:-4] + name_hash(name, 8)


def test_the_hash_reads_full_width_characters_as_their_ascii_forms() -> None:
    assert name_hash("５Ｇ 应用示范", 8) == name_hash("5G 应用示范", 8)
    assert name_hash("5G 应用示范", 8) != name_hash("5G 应用示范区", 8)
