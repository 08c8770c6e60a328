"""Each file keeps a copy of its owner's names, so that sorting by owner reads an index.

The copy is filled here for the files already stored (one UPDATE), then kept in step by
StoredFile.save/bulk_create and locker/owners.py.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_names(apps, schema_editor):
    StoredFile = apps.get_model("locker", "StoredFile")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    owner = User.objects.filter(pk=OuterRef("owner_id"))
    StoredFile.objects.update(**{
        f"owner_{field}": Subquery(owner.values(field)[:1])
        for field in ("last_name", "first_name", "username")
    })  # fmt: skip


class Migration(migrations.Migration):

    dependencies = [
        ('locker', '0007_folders'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='storedfile',
            name='owner_first_name',
            field=models.CharField(blank=True, default='', editable=False, max_length=150),
        ),
        migrations.AddField(
            model_name='storedfile',
            name='owner_last_name',
            field=models.CharField(blank=True, default='', editable=False, max_length=150),
        ),
        migrations.AddField(
            model_name='storedfile',
            name='owner_username',
            field=models.CharField(blank=True, default='', editable=False, max_length=150),
        ),
        migrations.RunPython(copy_names, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='storedfile',
            index=models.Index(fields=['owner_last_name', 'owner_first_name', 'owner_username', 'id'], name='locker_file_owner'),
        ),
        migrations.AddIndex(
            model_name='storedfile',
            index=models.Index(fields=['owner', 'id'], name='locker_owner_id'),
        ),
    ]
