"""MkDocs hooks: each event is handed to the package's build (pilotkb.mkdocs.events)."""

from pilotkb.mkdocs import events

on_startup = events.on_startup
on_config = events.on_config
on_files = events.on_files
on_nav = events.on_nav
on_env = events.on_env
on_page_content = events.on_page_content
on_page_context = events.on_page_context
on_post_page = events.on_post_page
on_serve = events.on_serve
on_post_build = events.on_post_build
