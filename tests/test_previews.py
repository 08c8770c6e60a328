"""Previews: the worker makes thumbnails of images and PDFs' first pages, without metadata,
refuses bombs and oversized files, serves them only to those who may see the file, and they
leave storage with their content (replace, purge); reconcile knows them."""

import io
import os
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from locker.maintenance import finish_object_removals
from locker.models import ObjectRemoval, StoredFile, TrashedFile
from previews.models import Preview
from previews.work import make_due
from tests.conftest import upload_file
from tests.pictures import jpeg_with_exif, noisy_png, pdf, png, png_claiming
from tests.test_reconcile import run


def work():
    """The worker's round, as far as previews go: make the thumbnails that wait, then finish the
    object removals. (`run_worker --once` itself closes the database connection between rounds,
    which would end the test's transaction on PostgreSQL; the first test runs it for real.)"""
    make_due()
    finish_object_removals()


def stored(owner, name, data, description=""):
    return StoredFile.create_from_upload(owner, upload_file(name, data, "x/ignored"), description)


def open_object(files_dir, name) -> Image.Image:
    return Image.open(io.BytesIO((files_dir / name).read_bytes()))


@pytest.mark.django_db(transaction=True)
def test_a_png_upload_queues_a_job_with_the_file_and_the_worker_makes_two_thumbnails(
    alice, files_dir, stored_objects
):
    row = stored(alice, "sky.png", png((640, 480)))
    job = Preview.objects.get(source=row.file.name)
    assert (job.state, job.file_id, job.small, job.large) == ("pending", row.pk, "", "")

    call_command("run_worker", "--once")  # the worker `make run` starts

    job.refresh_from_db()
    assert job.state == "ready"
    assert sorted(stored_objects()) == sorted([row.file.name, job.small, job.large])
    assert job.small.startswith(f"{row.file.name}.preview-small-")
    small, large = open_object(files_dir, job.small), open_object(files_dir, job.large)
    assert (small.format, small.size) == ("WEBP", (160, 120))
    assert (large.format, large.size) == ("WEBP", (640, 480))


def test_a_thumbnail_keeps_no_exif_and_is_turned_upright(alice, files_dir):
    original = jpeg_with_exif((400, 200), maker="SecretCam 3000")
    assert b"SecretCam 3000" in original
    row = stored(alice, "holiday.jpg", original)

    work()

    job = Preview.objects.get(source=row.file.name)
    for name in (job.small, job.large):
        raw = (files_dir / name).read_bytes()
        assert b"SecretCam" not in raw and b"Exif" not in raw
        image = open_object(files_dir, name)
        assert not image.getexif()
        assert not {"exif", "icc_profile", "xmp"} & set(image.info)
    upright = open_object(files_dir, job.large).convert("RGB")
    assert upright.size == (200, 400)  # orientation 6 applied: portrait now
    # The blue band that was on the left is at the top once turned.
    red, green, blue = upright.getpixel((100, 20))
    assert blue > 150 and red < 100


def test_the_first_page_of_a_pdf_becomes_its_thumbnail(alice, files_dir):
    row = stored(alice, "report.pdf", pdf(pages=2))
    assert row.content_type == "application/pdf"

    work()

    job = Preview.objects.get(source=row.file.name)
    assert job.state == "ready"
    page = open_object(files_dir, job.large).convert("RGB")
    assert page.size[1] == 1200 and abs(page.size[0] / page.size[1] - 300 / 420) < 0.01
    red, green, blue = page.getpixel((page.size[0] // 2, page.size[1] // 2))
    assert red > 180 and green < 80  # the red first page, not the green second one


@pytest.mark.parametrize(
    "width, height", [(30000, 30000), (8000, 8000)], ids=["over twice", "just over"]
)
def test_a_decompression_bomb_is_refused_cleanly(alice, stored_objects, width, height):
    # 8000 × 8000 is over the 50-million-pixel limit but under twice it, where Pillow itself
    # would only warn and go on decoding.
    row = stored(alice, "bomb.png", png_claiming(width, height))
    assert row.content_type == "image/png"

    work()

    job = Preview.objects.get(source=row.file.name)
    assert job.state == "failed"
    assert "pixels" in job.last_error
    assert stored_objects() == [row.file.name]
    assert StoredFile.objects.filter(pk=row.pk).exists()


def test_a_file_over_the_preview_limit_is_never_read_for_a_preview(
    alice, settings, stored_objects
):
    settings.PREVIEW_MAX_BYTES = 50_000
    data = noisy_png((200, 200))
    assert len(data) > 50_000
    row = stored(alice, "big.png", data)

    work()

    job = Preview.objects.get(source=row.file.name)
    assert (job.state, job.small, job.large) == ("skipped", "", "")
    assert stored_objects() == [row.file.name]


def test_text_and_other_files_get_no_job(alice):
    stored(alice, "notes.txt", b"just words\n")
    stored(alice, "data.bin", os.urandom(256))
    assert Preview.objects.count() == 0


def test_thumbnails_are_served_to_the_owner_with_nosniff_and_a_sandbox(alice, client):
    row = stored(alice, "sky.png", png())
    work()
    job = Preview.objects.get(source=row.file.name)
    client.force_login(alice)

    response = client.get(reverse("thumbnail", args=[row.pk, job.pk, "small"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == (160, 120)


def test_others_get_404_for_a_thumbnail_and_a_preview_page(alice, bob, client):
    row = stored(alice, "private.png", png())
    work()
    job = Preview.objects.get(source=row.file.name)
    client.force_login(bob)

    for url in (
        reverse("thumbnail", args=[row.pk, job.pk, "small"]),
        reverse("thumbnail", args=[row.pk, job.pk, "large"]),
        reverse("preview", args=[row.pk]),
    ):
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(reverse("thumbnail", args=[row.pk, job.pk, "small"])).status_code == 302


def test_a_replace_takes_the_old_thumbnails_away_and_makes_new_ones(
    alice, files_dir, stored_objects
):
    row = stored(alice, "sky.png", png((640, 480)))
    work()
    old = Preview.objects.get(source=row.file.name)
    old_object = row.file.name

    row.replace(upload_file("wide.png", png((800, 200))), actor=alice)
    work()

    assert not Preview.objects.filter(pk=old.pk).exists()
    new = Preview.objects.get(source=row.file.name)
    assert new.state == "ready"
    assert open_object(files_dir, new.small).size == (160, 40)
    # The old content stays as a version; its thumbnails are gone.
    assert sorted(stored_objects()) == sorted([old_object, row.file.name, new.small, new.large])


def test_a_purge_from_the_trash_removes_the_thumbnails_with_the_file(alice, stored_objects):
    row = stored(alice, "sky.png", png())
    work()
    assert len(stored_objects()) == 3
    row.delete_by(alice)
    assert len(stored_objects()) == 3  # in the trash: restorable, preview and all
    TrashedFile.objects.get(pk=row.pk).purge(alice)

    work()

    assert stored_objects() == []
    assert Preview.objects.count() == 0
    assert ObjectRemoval.objects.count() == 0


def test_a_thumbnail_made_while_its_file_was_purged_is_removed_not_left(
    alice, stored_objects
):
    row = stored(alice, "sky.png", png())
    job = Preview.objects.get(source=row.file.name)
    row.delete_by(alice)
    TrashedFile.objects.get(pk=row.pk).purge(alice)
    # The worker had picked the job just before the purge: it renders and finds no row.
    from previews.work import make

    job.state = "pending"
    assert make(job) is True
    work()

    assert stored_objects() == []


def test_reconcile_counts_thumbnails_as_kept_and_remakes_a_missing_one(
    alice, files_dir, stored_objects
):
    row = stored(alice, "sky.png", png())
    stored(alice, "report.pdf", pdf())
    work()
    past = time.time() - 7200
    for name in stored_objects():
        os.utime(files_dir / name, (past, past))
    before = stored_objects()
    assert len(before) == 6

    status, out = run("--fix")
    assert status == 0, out
    assert "Consistent." in out
    assert "that no file points to" not in out and "is missing" not in out
    assert stored_objects() == before

    job = Preview.objects.get(source=row.file.name)
    (files_dir / job.large).unlink()
    status, out = run("--fix")
    assert status == 0, out
    assert "1 preview(s) whose image is missing" in out
    assert "file(s) whose stored object is missing" not in out
    work()
    job.refresh_from_db()
    assert job.state == "ready" and (files_dir / job.large).exists()
    assert len(stored_objects()) == 6


def test_the_list_shows_thumbnails_icons_and_links_each_name_to_its_preview(alice, client):
    picture = stored(alice, "sky.png", png())
    notes = stored(alice, "notes.txt", b"words\n")
    work()
    job = Preview.objects.get(source=picture.file.name)
    client.force_login(alice)

    page = client.get(reverse("files")).content.decode()

    assert reverse("thumbnail", args=[picture.pk, job.pk, "small"]) in page
    assert f'href="{reverse("preview", args=[picture.pk])}"' in page
    assert f'href="{reverse("preview", args=[notes.pk])}"' in page
    assert "type-icon type-text" in page


def test_the_preview_page_shows_the_image_and_the_actions(alice, client):
    row = stored(alice, "sky.png", png())
    work()
    job = Preview.objects.get(source=row.file.name)
    client.force_login(alice)

    page = client.get(reverse("preview", args=[row.pk])).content.decode()

    assert reverse("thumbnail", args=[row.pk, job.pk, "large"]) in page
    for action in ("download", "rename", "replace", "delete"):
        assert reverse(action, args=[row.pk]) in page


def test_a_text_file_is_previewed_as_escaped_text_never_as_html(alice, client):
    lines = [f"line {n}" for n in range(100)]
    row = stored(alice, "page.html", ("<script>alert('hi')</script>\n" + "\n".join(lines)).encode())
    client.force_login(alice)

    response = client.get(reverse("preview", args=[row.pk]))

    page = response.content.decode()
    assert "&lt;script&gt;alert(&#x27;hi&#x27;)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert "line 38" in page and "line 39" not in page  # the first 40 lines only


def test_the_files_page_says_how_many_files_and_how_much_of_the_quota(
    alice, client, settings
):
    settings.DEFAULT_QUOTA_BYTES = 10 * 1024 * 1024
    stored(alice, "a.txt", b"a" * 2048)
    stored(alice, "b.txt", b"b" * 1024)
    client.force_login(alice)

    page = client.get(reverse("files")).content.decode()
    assert "2 files · 3.0\xa0KB of 10.0\xa0MB" in page

    settings.DEFAULT_QUOTA_BYTES = 0
    page = client.get(reverse("files")).content.decode()
    assert "2 files · 3.0\xa0KB<" in page
