"""Registered by LessonsConfig.ready()."""


def register() -> None:
    pass
