"""Programme admins read the access log: grant them its "view" permission. Idempotent, like
curriculum/migrations/0002_editorial_groups.py: it only adds what is missing."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Programme admins"
PERMISSION = ("portal", "accesslogentry", "view_accesslogentry")


def grant(apps, schema_editor):
    # Permission rows are normally made after the last migration; make portal's now to grant one.
    app_config = apps.get_app_config("portal")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    app_label, model, codename = PERMISSION
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": "Can view access log entry"}
    )
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    app_label, _, codename = PERMISSION
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label=app_label, codename=codename)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_access_log_and_inline_members"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
