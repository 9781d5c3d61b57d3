"""The small, realistic portal the browser journeys walk through, built with the factories.

Two cohorts share the Joint Planning course; the Cyber Incident Response course is granted to the
cyber cohort only, so the symposium officer meets a module they may not open. Everything has an
Arabic side where the journeys switch language.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from wagtail.models import Locale

from curriculum.models import CoursePage, CultureIndexPage, CurriculumIndexPage, HomePage, ModulePage
from tests.factories import (
    AccessRuleFactory,
    CohortFactory,
    CourseFactory,
    GuideFactory,
    ModuleFactory,
    NationFactory,
    OfficerFactory,
    TrackFactory,
    UserFactory,
    translate,
)

PASSWORD = "correct-horse-battery"  # the factories' password


def heading(text: str, level: str = "h2") -> dict:
    return {"type": "heading", "value": {"text": text, "level": level}}


def text(html: str) -> dict:
    return {"type": "rich_text", "value": html}


def callout(html: str, kind: str = "note") -> dict:
    return {"type": "callout", "value": {"kind": kind, "text": html}}


def quote(words: str, attribution: str) -> dict:
    return {"type": "quote", "value": {"quote": words, "attribution": attribution}}


def objectives(*items: str) -> list[dict]:
    return [{"type": "objective", "value": item} for item in items]


PLANNING_BODY = [
    heading("Why one planning process"),
    text(
        "<p>A joint or combined headquarters brings together officers of different services and "
        "nations, each with their own habits of thought. A common planning process gives them a "
        "shared vocabulary, a predictable sequence of products and a clear point at which the "
        "commander decides.</p><p>The process is iterative, not linear: new information, a change "
        "in higher guidance or an unexpected enemy action can send the staff back a step.</p>"
    ),
    heading("The seven steps"),
    text(
        "<ol><li>Planning initiation</li><li>Mission analysis</li><li>Course of action development"
        "</li><li>Course of action analysis and wargaming</li><li>Course of action comparison</li>"
        "<li>Course of action approval</li><li>Plan or order development</li></ol>"
    ),
    callout(
        "<p>Parallel planning is essential. Issue warning orders early and often, so that "
        "subordinate commands can start their own mission analysis before the final order.</p>"
    ),
    heading("Planning under mission command"),
    quote(
        "No plan of operations extends with any certainty beyond the first contact with the main "
        "hostile force.",
        "Helmuth von Moltke the Elder",
    ),
]

PLANNING_BODY_AR = [
    heading("الغاية من عملية تخطيط موحّدة"),
    text(
        "<p>تجمع القيادةُ المشتركة أو المختلطة ضباطًا من أفرع ودول مختلفة، لكلٍّ منهم عاداته الخاصة "
        "في التفكير. وتمنحهم عمليةُ التخطيط الموحّدة مفرداتٍ مشتركة، وتسلسلًا متوقعًا للمنتجات، "
        "ونقطةً واضحة يتخذ عندها القائد قراره.</p><p>والعملية تكرارية وليست خطية، فقد تُعيد "
        "معلوماتٌ جديدة هيئةَ الأركان إلى خطوة سابقة.</p>"
    ),
    heading("الخطوات السبع"),
    text(
        "<ol><li>بدء التخطيط</li><li>تحليل المهمة</li><li>تطوير مسارات العمل</li>"
        "<li>تحليل مسارات العمل والمحاكاة الحربية</li><li>مقارنة مسارات العمل</li>"
        "<li>اعتماد مسار العمل</li><li>إعداد الخطة أو الأمر</li></ol>"
    ),
    callout(
        "<p>التخطيط المتوازي أمر أساسي. أصدِر أوامر الإنذار مبكرًا وبصورة متكررة، حتى تتمكن "
        "القيادات التابعة من بدء تحليل مهامها قبل وصول الأمر النهائي.</p>"
    ),
]


def body(topic: str, detail: str) -> list[dict]:
    return [
        heading("Overview"),
        text(f"<p>{topic}</p>"),
        heading("In practice"),
        text(f"<p>{detail}</p>"),
    ]


@dataclass
class World:
    home: HomePage
    curriculum: CurriculumIndexPage
    planning: CoursePage
    planning_modules: list[ModulePage]
    planning_ar: CoursePage
    first_module_ar: ModulePage
    cyber_course: CoursePage
    denied_module: ModulePage
    symposium: object
    cyber: object
    officer: object  # symposium cohort
    other_officer: object  # cyber cohort
    instructor: object
    editor: object
    programme_admin: object


def build_world() -> World:
    en, ar = Locale.objects.get(language_code="en"), Locale.objects.get(language_code="ar")
    home = HomePage.objects.get(locale=en, depth=2)
    curriculum = CurriculumIndexPage.objects.child_of(home).get()
    culture = CultureIndexPage.objects.child_of(home).get()
    curriculum_ar = curriculum.get_translation(ar)

    today = datetime.date.today()
    us, pk = NationFactory(code="US", name="United States"), NationFactory(code="PK", name="Pakistan")
    symposium = CohortFactory(
        slug="symposium-2026",
        name="Joint Defense Symposium 2026",
        starts_on=today - datetime.timedelta(days=20),
        ends_on=today + datetime.timedelta(days=45),
    )
    cyber = CohortFactory(
        slug="cyber-exchange-2026",
        name="Cyber Exchange 2026",
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=60),
    )

    methodology = TrackFactory(
        slug="defense-methodology", title="Defense Methodology", title_ar="منهجية الدفاع"
    )
    cyber_track = TrackFactory(slug="cyber-security", title="Cyber Security", title_ar="الأمن السيبراني")
    intelligence = TrackFactory(
        slug="intelligence-management",
        title="Strategic Intelligence Management",
        title_ar="إدارة الاستخبارات الاستراتيجية",
    )

    planning = CourseFactory(
        parent=curriculum,
        title="Joint Planning Fundamentals",
        slug="joint-planning",
        track=methodology,
        level="intermediate",
        summary="A staff-level introduction to the joint planning process, from mission analysis to "
        "wargaming and the after-action review.",
        learning_objectives=objectives(
            "Describe the seven steps of the joint planning process",
            "Lead a mission analysis in a multinational staff",
            "Compare courses of action with a decision matrix",
        ),
    )
    AccessRuleFactory(page=planning, cohorts=[symposium, cyber])
    modules = [
        ModuleFactory(
            parent=planning,
            title="The Joint Planning Process",
            slug="joint-planning-process",
            summary="An overview of the seven steps of joint planning, their products and the "
            "commander's role at each.",
            estimated_minutes=45,
            objectives=objectives(
                "Describe the seven steps and the main product of each",
                "Explain the commander's role at each decision point",
                "Apply the one-third, two-thirds rule to a planning timeline",
            ),
            body=PLANNING_BODY,
        ),
        ModuleFactory(
            parent=planning,
            title="Mission Analysis",
            slug="mission-analysis",
            summary="From the higher headquarters' order to a restated mission and the commander's "
            "initial intent.",
            estimated_minutes=40,
            body=body(
                "Mission analysis turns the order received into a clear understanding of the task.",
                "The staff identifies specified, implied and essential tasks, constraints and assumptions.",
            ),
        ),
        ModuleFactory(
            parent=planning,
            title="Centre of Gravity Analysis",
            slug="centre-of-gravity",
            summary="Finding the source of strength that the plan must protect or attack.",
            estimated_minutes=35,
            body=body(
                "A centre of gravity is the source of power that provides freedom of action.",
                "Critical capabilities, requirements and vulnerabilities connect it to the plan.",
            ),
        ),
        ModuleFactory(
            parent=planning,
            title="Wargaming Courses of Action",
            slug="wargaming",
            summary="Testing each course of action against the adversary's most likely and most "
            "dangerous options.",
            estimated_minutes=50,
            body=body(
                "Wargaming is a disciplined conversation about action, reaction and counter-action.",
                "The staff records decision points, risks and the synchronisation it needs.",
            ),
        ),
    ]
    planning_ar = translate(
        planning,
        ar,
        title="أساسيات التخطيط المشترك",
        summary="مدخل على مستوى الأركان إلى عملية التخطيط المشترك، من تحليل المهمة إلى المحاكاة الحربية.",
    )
    first_module_ar = translate(
        modules[0],
        ar,
        title="عملية التخطيط المشترك",
        summary="نظرة عامة على الخطوات السبع لعملية التخطيط المشترك ومخرجاتها، ودور القائد في كل خطوة منها.",
        objectives=objectives(
            "يصف الخطوات السبع لعملية التخطيط المشترك والمخرج الرئيسي لكل منها",
            "يشرح دور القائد عند كل نقطة قرار في العملية",
            "يطبّق قاعدة الثلث والثلثين على جدول زمني محدد للتخطيط",
        ),
        body=PLANNING_BODY_AR,
    )
    assert planning_ar.get_parent().pk == curriculum_ar.pk

    cyber_course = CourseFactory(
        parent=curriculum,
        title="Cyber Incident Response",
        slug="cyber-incident-response",
        track=cyber_track,
        level="advanced",
        summary="Detecting, containing and recovering from incidents on military networks.",
    )
    AccessRuleFactory(page=cyber_course, cohorts=[cyber])
    denied = ModuleFactory(
        parent=cyber_course,
        title="Incident Triage Drills",
        slug="incident-triage-drills",
        summary="The first hour of a network intrusion, drilled minute by minute.",
        estimated_minutes=60,
    )
    ModuleFactory(
        parent=cyber_course,
        title="Network Forensics Basics",
        slug="network-forensics",
        summary="What to preserve, and how, before the evidence is gone.",
    )

    intel = CourseFactory(
        parent=curriculum,
        title="Strategic Intelligence Essentials",
        slug="intelligence-essentials",
        track=intelligence,
        level="foundation",
        summary="Directing, producing and sharing intelligence for strategic decisions.",
    )
    ModuleFactory(
        parent=intel,
        title="The Intelligence Cycle",
        slug="intelligence-cycle",
        summary="Direction, collection, processing, analysis and dissemination — and why it is a cycle.",
        estimated_minutes=30,
    )
    ModuleFactory(
        parent=intel,
        title="Writing for Decision Makers",
        slug="writing-for-decision-makers",
        summary="Bottom line up front: estimates a commander can act on.",
        estimated_minutes=25,
    )

    GuideFactory(
        parent=culture,
        title="Majlis Etiquette",
        slug="majlis-etiquette",
        region="Host nation",
        summary="Greetings, seating and coffee: how a formal majlis works.",
    )
    GuideFactory(
        parent=culture,
        title="Working Through Ramadan",
        slug="working-through-ramadan",
        region="Host nation",
        summary="Hours, meetings and courtesy during the holy month.",
    )

    officer = OfficerFactory(
        username="dana.reyes", first_name="Dana", last_name="Reyes", nation=us, cohorts=[symposium]
    )
    other = OfficerFactory(
        username="imran.qureshi", first_name="Imran", last_name="Qureshi", nation=pk, cohorts=[cyber]
    )
    return World(
        home=home,
        curriculum=curriculum,
        planning=planning,
        planning_modules=modules,
        planning_ar=planning_ar,
        first_module_ar=first_module_ar,
        cyber_course=cyber_course,
        denied_module=denied,
        symposium=symposium,
        cyber=cyber,
        officer=officer,
        other_officer=other,
        instructor=UserFactory(username="layla.instructor", first_name="Layla", role="instructor"),
        editor=UserFactory(username="omar.editor", first_name="Omar", role="editor"),
        programme_admin=UserFactory(username="sara.admin", first_name="Sara", role="admin"),
    )
