"""The staff owner filter: a text field sending a username, with at most ten suggestions as
staff type (username, name or email); the page never lists every user."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from locker import listing
from locker.models import StoredFile, TrashedFile
from tests.conftest import make_user, upload_file
from tests.test_list import rows


def test_the_all_files_page_has_a_text_field_and_names_nobody(client, admin, alice, bob):
    for i in range(30):
        rows(make_user(f"person{i:02}", first="Person", last=f"{i:02}"), 1)
    client.force_login(admin)
    page = client.get(reverse("all-files")).content.decode()
    assert '<input type="text" id="owner" name="owner" value=""' in page
    assert 'list="owner-suggestions"' in page and '<select id="owner"' not in page
    assert "person0" not in page  # the list of people is asked for, never sent


def test_the_field_without_javascript_filters_by_the_username_typed(client, admin, alice, bob):
    rows(alice, 2)
    rows(bob, 3)
    client.force_login(admin)
    response = client.get(reverse("all-files"), {"owner": "bob"})
    assert {f.owner_id for f in response.context["files"]} == {bob.pk}
    assert 'name="owner" value="bob"' in response.content.decode()


def test_staff_get_at_most_ten_people_matching_by_username_name_or_email(client, admin):
    for i in range(14):
        make_user(f"grace{i:02}", first="Grace", last=f"Hopper{i:02}")
    make_user("ada2", first="Ada", last="Lovelace")
    get_user_model().objects.filter(username="ada2").update(email="countess@analytical.example")
    client.force_login(admin)

    def suggested(text):
        response = client.get(reverse("owner-suggestions"), {"q": text})
        assert response.status_code == 200
        return [person["username"] for person in response.json()["owners"]]

    assert suggested("grace") == [f"grace{i:02}" for i in range(10)]
    assert suggested("lovelace") == ["ada2"]
    assert suggested("analytical") == ["ada2"]
    assert suggested("ADA lovel") == ["ada2"]  # every word, any case
    assert suggested("") == []
    first = client.get(reverse("owner-suggestions"), {"q": "countess"}).json()["owners"][0]
    assert first == {"username": "ada2", "name": "Ada Lovelace",
                     "email": "countess@analytical.example"}  # fmt: skip


def test_an_exact_username_comes_first(admin):
    for i in range(12):
        make_user(f"alan{i:02}", first="Alan", last="Turing")
    make_user("alan", first="Zed", last="Zulu")
    assert listing.owner_suggestions(admin, "alan")[0]["username"] == "alan"
    assert len(listing.owner_suggestions(admin, "alan")) == listing.SUGGESTIONS


def test_people_who_may_not_see_everyones_files_get_no_suggestions(client, alice, bob):
    client.force_login(alice)
    assert client.get(reverse("owner-suggestions"), {"q": "bob"}).status_code == 404
    assert listing.owner_suggestions(alice, "bob") == []
    client.logout()
    response = client.get(reverse("owner-suggestions"), {"q": "bob"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_sorting_by_owner_follows_a_name_changed_in_the_admin(client, admin, alice, bob):
    StoredFile.create_from_upload(alice, upload_file("a.txt", b"a\n"))  # Liddell
    StoredFile.create_from_upload(bob, upload_file("b.txt", b"b\n"))  # Builder
    client.force_login(admin)

    def owners_in_order():
        response = client.get(reverse("all-files"), {"sort": "owner"})
        return [f.owner.username for f in response.context["files"]]

    assert owners_in_order() == ["bob", "alice"]
    change = client.get(reverse("admin:auth_user_change", args=[alice.pk]))
    form = change.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(username="alice", last_name="Aardvark", first_name="Alice",
                email="alice@example.com", date_joined_0="", last_login_0="")  # fmt: skip
    data.update({
        "quota-TOTAL_FORMS": "0", "quota-INITIAL_FORMS": "0",
        "quota-MIN_NUM_FORMS": "0", "quota-MAX_NUM_FORMS": "1",
    })  # fmt: skip
    data.pop("groups", None)
    data.pop("user_permissions", None)
    data.pop("password", None)
    done = client.post(reverse("admin:auth_user_change", args=[alice.pk]), data)
    assert done.status_code == 302, done.content.decode()[:2000]
    assert StoredFile.objects.get(owner=alice).owner_last_name == "Aardvark"
    assert owners_in_order() == ["alice", "bob"]


def test_a_restored_file_and_a_new_one_carry_their_owners_names(alice):
    stored = StoredFile.create_from_upload(alice, upload_file("r.txt", b"r\n"))
    stored.delete_by(alice)
    restored = TrashedFile.objects.get(pk=stored.pk).restore()
    row = StoredFile.objects.get(pk=restored.pk)
    assert (row.owner_last_name, row.owner_first_name, row.owner_username) == (
        "Liddell", "Alice", "alice",
    )  # fmt: skip
