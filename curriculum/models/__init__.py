"""Curriculum content: the page tree, tracks and the glossary."""

from .glossary import GlossaryTerm
from .pages import (
    CoursePage,
    CultureGuidePage,
    CultureIndexPage,
    CurriculumIndexPage,
    HomePage,
    ModulePage,
    ProgrammeIndexPage,
    ProgrammePage,
)
from .tracks import Track

__all__ = [
    "CoursePage",
    "CultureGuidePage",
    "CultureIndexPage",
    "CurriculumIndexPage",
    "GlossaryTerm",
    "HomePage",
    "ModulePage",
    "ProgrammeIndexPage",
    "ProgrammePage",
    "Track",
]
