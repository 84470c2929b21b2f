"""MkDocs hooks: each event is handed to the package (pilotkb.mkdocs.adapter)."""

from pilotkb.mkdocs import adapter as kb

on_startup = kb.on_startup
on_config = kb.on_config
on_files = kb.on_files
on_nav = kb.on_nav
on_env = kb.on_env
on_pre_page = kb.on_pre_page
on_page_context = kb.on_page_context
on_post_page = kb.on_post_page
on_serve = kb.on_serve
on_post_build = kb.on_post_build
