"""The change engine on its own: two texts of the data file in, the changes a reader sees out."""

from __future__ import annotations

import yaml

from pilotkb.analysis.changes import ADDED, CHANGED, REMOVED, Change, changes_between, field_label
from pilotkb.analysis.snapshots import split_records

from ..conftest import FIXTURES

GOLDEN = (FIXTURES / "golden" / "pilots.yaml").read_text(encoding="utf-8")


def edited(*edits: tuple[str, str]) -> str:
    text = GOLDEN
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def shown(changes: list[Change]) -> list[tuple]:
    return [
        (c.collection, c.id, c.kind, c.name, [(f.label, f.kind, f.old, f.new) for f in c.fields])
        for c in changes
    ]


def test_the_same_text_has_no_change():
    assert changes_between(GOLDEN, GOLDEN) == []
    assert changes_between(GOLDEN, "# 只改注释\n" + GOLDEN) == []


def test_a_field_edit_shows_old_and_new_in_the_readers_words():
    new = edited(("    status: 推进中\n", "    status: 已完成销号\n"), ("    level: 省级\n", ""))
    assert shown(changes_between(GOLDEN, new)) == [
        (
            "pilots",
            "river-chief",
            CHANGED,
            "河长制",
            # in the new record's field order, then the fields it no longer has
            [("状态", CHANGED, "推进中", "已完成销号"), ("层级", REMOVED, "省级", None)],
        )
    ]


def test_a_changed_list_item_is_one_change_old_to_new():
    new = edited(("        value: 840余次\n", "        value: 900余次\n"))
    assert shown(changes_between(GOLDEN, new)) == [
        (
            "pilots",
            "river-chief",
            CHANGED,
            "河长制",
            [("关键指标", CHANGED, "累计巡河 840余次 次", "累计巡河 900余次 次")],
        )
    ]


def test_a_renamed_id_shows_as_one_record_removed_and_one_added():
    new = edited(("  - id: unnamed-level\n", "  - id: second-pilot\n"))
    assert shown(changes_between(GOLDEN, new)) == [
        ("pilots", "second-pilot", ADDED, None, []),
        ("pilots", "unnamed-level", REMOVED, "另一项试点", []),
    ]


def test_texts_or_bytes_without_git_and_without_commit_fields():
    new = edited(("    name: 临淄区\n", "    name: 临淄\n"))
    (change,) = changes_between(GOLDEN.encode("utf-8"), new)
    assert (change.collection, change.id, change.kind) == ("areas", "linzi", CHANGED)
    assert (change.commit, change.sha, change.date, change.subject) == ("", "", "", "")


def test_a_new_file_adds_every_record_and_a_deleted_one_removes_them():
    records = {(coll, rec["id"]) for coll, items in yaml.safe_load(GOLDEN).items() for rec in items}
    assert {(c.collection, c.id) for c in changes_between(None, GOLDEN)} == records
    assert {c.kind for c in changes_between(None, GOLDEN)} == {ADDED}
    assert {c.kind for c in changes_between(GOLDEN, None)} == {REMOVED}


def test_a_file_in_another_layout_is_compared_by_value():
    """Flow style cannot be cut into record chunks: it is parsed whole, with the same result."""
    data = yaml.safe_load(GOLDEN)
    assert split_records(GOLDEN.encode()) is not None
    flow = yaml.safe_dump(data, allow_unicode=True, default_flow_style=True)
    assert split_records(flow.encode()) is None
    assert changes_between(GOLDEN, flow) == []
    data["areas"][0]["name"] = "临淄"
    changed = yaml.safe_dump(data, allow_unicode=True, default_flow_style=True)
    assert shown(changes_between(GOLDEN, changed)) == [
        ("areas", "linzi", CHANGED, "临淄", [("地区名称", CHANGED, "临淄区", "临淄")])
    ]


def test_record_chunks_are_cut_by_collection_and_id():
    version = split_records(GOLDEN.encode())
    assert version is not None
    assert list(version) == ["sources", "areas", "pilots", "experiences", "events", "figures"]
    assert list(version["pilots"].items) == ["river-chief", "unnamed-level"]
    assert version["pilots"].marker == b"\n  - "
    assert version["areas"].items["linzi"].startswith(b"id: linzi\n")


def test_field_labels_come_from_the_model_description():
    assert field_label("pilots", "status") == "状态"
    assert field_label("pilots", "updates") == "进展"  # "进展（带日期）": its first clause
    assert field_label("pilots", "no_such_field") == "no_such_field"
    assert field_label("no_such_collection", "x") == "x"
