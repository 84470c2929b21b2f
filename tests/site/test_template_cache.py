"""Compiled templates shared by the rebuilds of the preview."""

from __future__ import annotations


def test_compiled_templates_are_reused_until_their_source_changes(tmp_path):
    """Under `make serve` every rebuild makes new Jinja environments sharing one cache of
    compiled templates: an unchanged template is not compiled again, an edited one is."""
    from jinja2 import Environment, FileSystemLoader

    from pilotkb.site.render import CompiledTemplates

    cache = CompiledTemplates()
    (tmp_path / "t.html").write_text("旧 {{ x }}", encoding="utf-8")

    def render() -> str:
        return (
            Environment(loader=FileSystemLoader(tmp_path), bytecode_cache=cache)
            .get_template("t.html")
            .render(x=1)
        )

    assert render() == "旧 1"
    assert len(cache.store) == 1
    (key, (checksum, code)) = next(iter(cache.store.items()))
    assert render() == "旧 1" and cache.store[key][1] is code  # reused, not compiled again
    (tmp_path / "t.html").write_text("新 {{ x }}", encoding="utf-8")
    assert render() == "新 1"
    assert cache.store[key][0] != checksum
