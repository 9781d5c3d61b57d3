"""The demo's lessons learned (the bundle's `"lessons"` section), dated relative to the day the demo
is loaded: every stage of the process in English and Arabic, some released to a few nations or to
one cohort only, one action overdue."""

from __future__ import annotations

import datetime


def _module(course: str, module: str) -> dict:
    return {"course": course, "module": module}


def lessons(today: datetime.date) -> list[dict]:
    def due(days: int) -> str:
        return (today + datetime.timedelta(days=days)).isoformat()

    return [
        {
            "key": "net-control-before-the-exercise",
            "title": "Name net control before the exercise starts",
            "author": "officer.us",
            "track": "defense-methodology",
            "event": "Joint Defense Symposium 2026: tactical exercise",
            "status": "learned",
            "observation": "During the joint tactical exercise two national stations transmitted on the "
            "command net at once for ten minutes; orders were repeated and the second phase started late.",
            "discussion": "The exercise order named frequencies but no net control station, so nobody could "
            "impose radio discipline.",
            "conclusion": "A net without a named control station is not controlled.",
            "recommendation": "Every exercise order names the net control station and its alternate.",
            "modules": [_module("joint-symposium-seminar", "joint-tactical-exercise-design")],
            "action": {"body": "course", "page": "joint-symposium-seminar", "due_on": due(-20)},
            "closing_note": "The exercise design module now has a net control checklist and a worked "
            "example.",
        },
        {
            "key": "phishing-reports-a-day-late",
            "title": "Phishing reports arrived a day late in the cyber exercise",
            "author": "officer.us",
            "track": "cyber-security",
            "event": "Cyber Shield exercise",
            "status": "identified",
            "observation": "Half of the participating staff reported the exercise phishing e-mail the next "
            "day, after the simulated intruder had moved laterally.",
            "discussion": "Staff knew the report button existed but not that reporting is urgent.",
            "conclusion": "Reporting speed, not detection, was the weak point.",
            "recommendation": "Teach and drill one-click reporting in the first hour of the course.",
            "releasable_to": ["US", "PK"],
            "modules": [_module("cyber-defense-operations", "cyber-exercises-and-red-teaming")],
            "action": {"body": "course", "page": "cyber-defense-operations", "due_on": due(25)},
        },
        {
            "key": "partner-information-sharing-delay",
            "title": "تأخر تبادل المعلومات بين الشركاء في تمرين مكافحة الإرهاب",
            "locale": "ar",
            "author": "officer.sa",
            "track": "counter-terrorism",
            "event": "تمرين الندوة المشترك لمكافحة الإرهاب",
            "status": "action",
            "observation": "وصل تقرير التهديد من الدولة الشريكة بعد ست ساعات من صدوره "
            "لأن قناة التبادل لم تكن معتمدة مسبقا.",
            "discussion": "لم يتفق الشركاء قبل التمرين على مستوى التصنيف المسموح به في القناة المشتركة.",
            "conclusion": "قناة التبادل يجب أن تعتمد قبل التمرين لا أثناءه.",
            "recommendation": "إضافة خطوة اعتماد قناة تبادل المعلومات إلى قائمة التحضير للندوة.",
            "releasable_to": ["SA", "JO", "PK"],
            "modules": [_module("counter-terrorism-cooperation", "information-sharing-between-partners")],
            "action": {"body": "programme", "page": "joint-defense-symposium", "due_on": due(-5)},
        },
        {
            "key": "glossary-before-the-symposium",
            "title": "ترجمة المصطلحات قبل الندوة توفر وقت النقاش",
            "locale": "ar",
            "author": "officer.my",
            "track": "defense-methodology",
            "event": "الندوة الدفاعية المشتركة 2026",
            "status": "learned",
            "observation": "استهلك توضيح المصطلحات بين اللغتين ثلث وقت جلسة النقاش الأولى.",
            "recommendation": "توزيع مسرد المصطلحات العربي والإنجليزي على المشاركين قبل الندوة بأسبوع.",
            "cohorts": ["symposium-2026"],
            "modules": [_module("joint-symposium-seminar", "symposium-orientation-and-objectives")],
            "action": {"body": "programme", "page": "joint-defense-symposium", "due_on": due(-30)},
            "closing_note": "يرسل المسرد الآن مع رسالة الترحيب قبل الندوة، ووحدة التوجيه تشير إليه.",
        },
        {
            "key": "collection-plans-outran-tasking",
            "title": "Collection plans outran the tasking",
            "author": "officer.pk",
            "track": "intelligence-management",
            "status": "submitted",
            "observation": "Our syndicate wrote a full collection plan before the commander's priority "
            "intelligence requirements were confirmed; half of it was discarded.",
            "recommendation": "Confirm the requirements before planning collection.",
            "modules": [
                _module("strategic-intelligence-management", "requirements-and-collection-management")
            ],
        },
        {
            "key": "after-action-template",
            "title": "مراجعة ما بعد العمل تحتاج قالبا موحدا",
            "locale": "ar",
            "author": "officer.my",
            "track": "defense-methodology",
            "status": "in_review",
            "observation": "كتبت كل مجموعة تقرير ما بعد العمل بشكل مختلف فصعبت المقارنة بين الدروس.",
            "recommendation": "اعتماد قالب واحد لتقرير ما بعد العمل في جميع الدورات.",
            "modules": [_module("defense-planning-methodology", "after-action-review-and-lessons-learned")],
        },
        {
            "key": "badge-checks-slowed-the-morning",
            "title": "Badge checks slowed the symposium morning",
            "author": "officer.us",
            "event": "Joint Defense Symposium 2026",
            "status": "returned",
            "observation": "The queue at the venue entrance delayed the first session by forty minutes.",
        },
        {
            "key": "lecture-hall-too-cold",
            "title": "قاعة المحاضرات باردة جدا",
            "locale": "ar",
            "author": "officer.sa",
            "status": "rejected",
            "observation": "كانت درجة حرارة القاعة منخفضة طوال اليوم.",
        },
        {
            "key": "data-link-settings-differ",
            "title": "Coalition data link settings differ between national systems",
            "author": "officer.us",
            "track": "military-technology",
            "event": "Interoperability demonstration",
            "status": "identified",
            "observation": "Two national systems rejected each other's tracks until message filters were "
            "aligned by hand on the day.",
            "recommendation": "Exchange data link configuration files before every combined demonstration.",
            "releasable_to": ["GB", "US"],
            "modules": [_module("military-technology-integration", "coalition-interoperability-standards")],
            "action": {"body": "programme", "page": "joint-defense-symposium", "due_on": due(40)},
        },
    ]
