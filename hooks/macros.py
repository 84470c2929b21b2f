"""mkdocs-macros module: the catalogue's numbers for hand-written pages."""

from pilotkb.mkdocs import adapter as kb


def define_env(env):
    kb.define_env(env)
