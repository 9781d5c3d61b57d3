"""Create the editorial groups with their model permissions. Idempotent: running it again (or on a
database where an admin already made the groups) only adds what is missing.

Page permissions on the sections and the review workflow need pages, so curriculum.setup grants
them after migrate.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMIN_ACCESS = [("wagtailadmin", "admin", "access_admin")]
MEDIA = [
    ("wagtailimages", "image", "add_image"),
    ("wagtailimages", "image", "change_image"),
    ("wagtailimages", "image", "choose_image"),
    ("wagtaildocs", "document", "add_document"),
    ("wagtaildocs", "document", "change_document"),
    ("wagtaildocs", "document", "choose_document"),
]
GLOSSARY_READ = [("curriculum", "glossaryterm", "view_glossaryterm"), ("curriculum", "track", "view_track")]
GLOSSARY_OWN = [
    ("curriculum", "glossaryterm", f"{action}_glossaryterm") for action in ("add", "change", "delete", "publish")
] + [("curriculum", "track", f"{action}_track") for action in ("add", "change")]
PORTAL_ADMIN = [
    ("portal", model, f"{action}_{model}")
    for model in ("nation", "cohort", "cohortmembership", "officerprofile", "accessrule")
    for action in ("add", "change", "delete", "view")
] + [("auth", "user", f"{action}_user") for action in ("add", "change", "view")]

GROUPS = {
    "Instructors": ADMIN_ACCESS + MEDIA + GLOSSARY_READ + [("portal", "cohort", "view_cohort")],
    "Editors": ADMIN_ACCESS + MEDIA + GLOSSARY_READ + GLOSSARY_OWN,
    "Programme admins": ADMIN_ACCESS + GLOSSARY_READ + PORTAL_ADMIN,
}


def create_groups(apps, schema_editor):
    # Permission rows are normally made after the last migration; make them now so we can grant them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for name, grants in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, model, codename in grants:
            content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": codename.replace("_", " ")}
            )
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("curriculum", "0001_initial"),
        ("portal", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailimages", "0001_initial"),
        ("wagtaildocs", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
