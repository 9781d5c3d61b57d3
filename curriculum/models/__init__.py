"""Curriculum content: the page tree, tracks and the glossary."""

from .certificates import Certificate
from .checks import CheckAttempt
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
from .progress import ModuleProgress
from .tracks import Track

__all__ = [
    "Certificate",
    "CheckAttempt",
    "CoursePage",
    "CultureGuidePage",
    "CultureIndexPage",
    "CurriculumIndexPage",
    "GlossaryTerm",
    "HomePage",
    "ModulePage",
    "ModuleProgress",
    "ProgrammeIndexPage",
    "ProgrammePage",
    "Track",
]
