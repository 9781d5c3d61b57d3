"""Search documents of any indexed type (search.registry), keyed by document key; outbox rows for any
type. The documents are derived data: the table is made anew, and `manage.py search_index --rebuild`
fills it (and a new Elasticsearch index, whose mapping gained `page_id`) after upgrading."""

import modelsearch.index
from django.db import migrations, models


def forget_full_text_entries(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    IndexEntry = apps.get_model("wagtailsearch", "IndexEntry")
    content_type = ContentType.objects.filter(app_label="search", model="searchdocument").first()
    if content_type is not None:
        IndexEntry.objects.filter(content_type=content_type).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailsearch", "0005_create_indexentry"),
    ]

    operations = [
        migrations.RenameField(model_name="indexchange", old_name="page_id", new_name="object_id"),
        migrations.AddField(
            model_name="indexchange",
            name="type",
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AlterField(
            model_name="indexchange",
            name="kind",
            field=models.CharField(
                choices=[
                    ("page", "page"),
                    ("subtree", "page and its descendants"),
                    ("delete", "deleted page"),
                    ("object", "other content (saved or deleted)"),
                ],
                max_length=10,
            ),
        ),
        migrations.RunPython(forget_full_text_entries, migrations.RunPython.noop),
        migrations.DeleteModel(name="SearchDocument"),
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("key", models.CharField(max_length=80, primary_key=True, serialize=False)),
                ("object_id", models.BigIntegerField()),
                ("type", models.CharField(max_length=255)),
                ("locale", models.CharField(max_length=255)),
                ("track", models.CharField(blank=True, max_length=255, null=True)),
                ("course", models.CharField(blank=True, max_length=255, null=True)),
                ("title", models.TextField()),
                ("summary", models.TextField(blank=True)),
                ("body", models.TextField(blank=True)),
                ("url", models.TextField()),
                ("published_at", models.DateTimeField(blank=True, null=True)),
                ("page_id", models.BigIntegerField(blank=True, db_index=True, null=True)),
                ("fingerprint", models.CharField(max_length=40)),
                ("title_norm", models.TextField()),
                ("summary_norm", models.TextField(blank=True)),
            ],
            options={
                "verbose_name": "search document",
                "verbose_name_plural": "search documents",
            },
            bases=(modelsearch.index.Indexed, models.Model),
        ),
    ]
