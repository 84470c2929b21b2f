"""mkdocs-macros module: the catalogue's numbers for hand-written pages."""

from pilotkb.mkdocs import events


def define_env(env):
    events.define_env(env)
