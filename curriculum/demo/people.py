"""The demo's nations, programmes, cohorts, tracks and sign-ins.

Cohort dates are relative to the day the demo is loaded, so there is always one cohort in every
state: open, in its grace period, expired and not yet started.
"""

from __future__ import annotations

import datetime

DEMO_PASSWORD = "tabadul-demo-2026"  # noqa: S105 - printed on purpose: demo sign-ins only

NATIONS = [
    ("SA", "Saudi Arabia", "المملكة العربية السعودية"),
    ("US", "United States", "الولايات المتحدة"),
    ("GB", "United Kingdom", "المملكة المتحدة"),
    ("PK", "Pakistan", "باكستان"),
    ("MY", "Malaysia", "ماليزيا"),
    ("EG", "Egypt", "مصر"),
    ("JO", "Jordan", "الأردن"),
    ("FR", "France", "فرنسا"),
    ("TR", "Türkiye", "تركيا"),
    ("ID", "Indonesia", "إندونيسيا"),
]

TRACKS = [
    (
        "defense-methodology",
        "Defense Methodology",
        "منهجية الدفاع",
        "How staffs plan, decide and learn: the joint planning process, analysis and lessons.",
    ),
    (
        "military-technology",
        "Military Technology",
        "التقنية العسكرية",
        "Bringing capability into service and employing it with partners.",
    ),
    (
        "cyber-security",
        "Cyber Security",
        "الأمن السيبراني",
        "Defending military networks and responding to incidents.",
    ),
    (
        "intelligence-management",
        "Strategic Intelligence Management",
        "إدارة الاستخبارات الاستراتيجية",
        "Directing, producing and sharing intelligence for strategic decisions.",
    ),
    (
        "counter-terrorism",
        "Counter-Terrorism",
        "مكافحة الإرهاب",
        "Cooperation between partner nations against terrorism and violent extremism.",
    ),
]

PROGRAMMES = [
    {
        "slug": "joint-defense-symposium",
        "title": "Joint Defense Symposium",
        "direction": "bilateral",
        "partner_nations": ["US", "GB", "PK", "MY"],
        "summary": "A yearly symposium where partner delegations run joint tactical exercises and "
        "discuss cyber threats and terrorism with their hosts.",
        "body": "## A week of joint work\n\nEach year the symposium brings delegations from partner "
        "nations to the staff college for five days of seminars, a joint tactical exercise and two "
        "expert panels, one on cyber threats and one on terrorism. Delegates prepare in the weeks "
        "before through the symposium seminar programme on this portal.\n\n> [!NOTE]\n> Delegates "
        "keep access to the seminar material for a grace period after the symposium so that they "
        "can finish their after-action reports.",
    },
    {
        "slug": "inbound-staff-course",
        "title": "Inbound Staff Course",
        "direction": "inbound",
        "partner_nations": ["PK", "MY", "EG", "JO", "ID"],
        "summary": "A resident staff course for partner-nation officers studying at the host "
        "nation's command and staff college.",
        "body": "## Studying with us\n\nPartner officers join the host nation's own students for a "
        "course in planning methodology and strategic intelligence. The cultural-orientation "
        "guides prepare them for life and work in the host nation.",
    },
    {
        "slug": "outbound-exchange",
        "title": "Outbound Officer Exchange",
        "direction": "outbound",
        "partner_nations": ["US", "GB", "FR", "TR"],
        "summary": "Host-nation officers who study at partner nations' staff colleges prepare here "
        "and report back on what they learned.",
        "body": "## Before you travel\n\nOutbound officers read the partner-nation guide, complete "
        "the counter-terrorism cooperation course and file an after-action report on return.",
    },
]


# slug, name, programme, starts and ends (days from the day the demo is loaded), grace days
COHORTS = [
    ("symposium-2026", "Joint Defense Symposium 2026", "joint-defense-symposium", -45, 120, 30),
    ("intel-fellows-2026", "Intelligence Fellows 2026", "inbound-staff-course", -20, 160, 14),
    ("inbound-staff-2026", "Inbound Staff Course 2026", "inbound-staff-course", -200, -10, 30),
    ("cyber-exchange-2025", "Cyber Exchange 2025", "joint-defense-symposium", -420, -300, 14),
    ("outbound-2027", "Outbound Exchange 2027", "outbound-exchange", 60, 300, 14),
]


def cohorts(today: datetime.date) -> list[dict]:
    def day(offset: int) -> datetime.date:
        return today + datetime.timedelta(days=offset)

    return [
        {
            "slug": s,
            "name": n,
            "programme": p,
            "starts_on": day(start),
            "ends_on": day(end),
            "grace_days": g,
            "instructors": ["instructor"],  # the demo instructor teaches every demo cohort
        }
        for s, n, p, start, end, g in COHORTS
    ]


USERS = [
    {
        "username": "officer.us",
        "full_name": "Major Daniel Reyes",
        "role": "officer",
        "nation": "US",
        "rank": "Major",
        "cohorts": ["symposium-2026"],
        "email": "d.reyes@example.org",
    },
    {
        "username": "officer.pk",
        "full_name": "Lieutenant Colonel Ayesha Khan",
        "role": "officer",
        "nation": "PK",
        "rank": "Lieutenant Colonel",
        "cohorts": ["inbound-staff-2026", "intel-fellows-2026"],
    },
    {
        "username": "officer.my",
        "full_name": "Captain Farid Rahman",
        "role": "officer",
        "nation": "MY",
        "rank": "Captain",
        "cohorts": ["cyber-exchange-2025"],
        "language": "ar",
    },
    {
        "username": "officer.sa",
        "full_name": "Major Faisal Al-Harbi",
        "role": "officer",
        "nation": "SA",
        "rank": "Major",
        "cohorts": ["outbound-2027"],
        "language": "ar",
    },
    {
        "username": "officer.jo",
        "full_name": "Captain Rania Al-Masri",
        "role": "officer",
        "nation": "JO",
        "rank": "Captain",
        "cohorts": ["symposium-2026"],
        "language": "ar",
    },
    {
        "username": "officer.tr",
        "full_name": "Major Emre Yilmaz",
        "role": "officer",
        "nation": "TR",
        "rank": "Major",
        "cohorts": ["symposium-2026"],
    },
    {
        "username": "instructor",
        "full_name": "Colonel Sarah Whitfield",
        "role": "instructor",
        "nation": "GB",
        "rank": "Colonel",
    },
    {"username": "editor", "full_name": "Dr Layla Haddad", "role": "editor", "nation": "JO"},
    {
        "username": "programme.admin",
        "full_name": "Commander Omar Saleh",
        "role": "admin",
        "nation": "SA",
        "rank": "Commander",
    },
]

SIGN_IN_NOTES = {
    "officer.us": "officer, Joint Defense Symposium 2026 (open), part-way through the knowledge checks",
    "officer.pk": "officer, Inbound Staff Course 2026 (grace period) and Intelligence Fellows 2026 (open)",
    "officer.my": "officer, Cyber Exchange 2025 (expired), prefers Arabic",
    "officer.sa": "officer, Outbound Exchange 2027 (not started), prefers Arabic",
    "officer.jo": "officer, Joint Defense Symposium 2026 (open), prefers Arabic; active in the discussion",
    "officer.tr": "officer, Joint Defense Symposium 2026 (open); muted in the symposium's discussion",
    "instructor": "instructor: authors curriculum, submits for review",
    "editor": "editor: reviews and publishes curriculum, owns culture and glossary; lessons manager",
    "programme.admin": "programme admin: cohorts, members, nations, access",
}


def people_bundle(today: datetime.date) -> dict:
    return {
        "format": "curriculum-bundle/1",
        "nations": [{"code": c, "name": n, "name_ar": a} for c, n, a in NATIONS],
        "programmes": PROGRAMMES,
        "cohorts": [
            {**cohort, "starts_on": cohort["starts_on"].isoformat(), "ends_on": cohort["ends_on"].isoformat()}
            for cohort in cohorts(today)
        ],
        "users": [{**user, "password": DEMO_PASSWORD} for user in USERS],
        "tracks": [{"slug": s, "title": t, "title_ar": a, "description": d} for s, t, a, d in TRACKS],
    }


# Which officers the dashboard recommends each demo guide to (not part of the bundle format).
GUIDE_AUDIENCES = {
    "host-nation-etiquette": "inbound",
    "religious-observance": "inbound",
    "dress-and-protocol": "inbound",
    "hospitality": "inbound",
    "everyday-arabic-phrases": "everyone",
    "outbound-partner-guide": "outbound",
}
