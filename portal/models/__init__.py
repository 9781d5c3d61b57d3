"""The portal's own data: nations, cohorts and their members, officer profiles, access rules."""

from .access_log import AccessLogEntry
from .access_rules import AccessRule
from .change_token import ChangeToken
from .cohorts import Cohort, CohortMembership
from .nations import Nation
from .profiles import OfficerProfile
from .security import CspReport

__all__ = [
    "AccessLogEntry",
    "AccessRule",
    "ChangeToken",
    "Cohort",
    "CohortMembership",
    "CspReport",
    "Nation",
    "OfficerProfile",
]
