from django.db import migrations, models


class Migration(migrations.Migration):
    """A change token per scope (portal.change_tokens): the token table keyed by scope. Its rows are
    only tokens, made again by `migrate` (portal.change_tokens.install_triggers)."""

    dependencies = [
        ("portal", "0008_change_token"),
    ]

    operations = [
        migrations.DeleteModel(name="ChangeToken"),
        migrations.CreateModel(
            name="ChangeToken",
            fields=[
                ("scope", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=64)),
            ],
            options={"verbose_name": "change token"},
        ),
    ]
