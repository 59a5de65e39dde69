"""The owner's gallery: search, filters, sort (Queries on the owner index, never a Scan),
the landing page for visitors, and bulk actions on selected images."""

import pytest

from gallery import services
from gallery.models import ImageItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def three(stores, user, make_jpeg):
    owner = str(user.pk)
    made = [
        services.image_upload(
            owner=owner, data=make_jpeg(64, 48), filename="harbour.jpg", title="Harbour at dawn"
        ),
        services.image_upload(
            owner=owner, data=make_jpeg(64, 48), filename="IMG_0002.jpg", visibility="public"
        ),
        services.image_upload(owner=owner, data=make_jpeg(64, 48), filename="cat.jpg", title="Sleepy CAT"),
    ]
    return owner, made


def ids(page):
    return [i.id for i in page.images]


def test_sort_newest_and_oldest_first(three):
    owner, made = three
    assert ids(services.image_list(owner=owner)) == [m.id for m in reversed(made)]
    assert ids(services.image_list(owner=owner, sort="oldest")) == [m.id for m in made]


def test_filter_by_visibility_and_search_any_case(three):
    owner, made = three
    assert ids(services.image_list(owner=owner, visibility="public")) == [made[1].id]
    assert ids(services.image_list(owner=owner, search="cat")) == [made[2].id]
    assert ids(services.image_list(owner=owner, search="HARBOUR dawn")) == [made[0].id]
    assert ids(services.image_list(owner=owner, search="img_0002")) == [made[1].id]
    assert ids(services.image_list(owner=owner, status="failed")) == []


def test_search_follows_an_edit(three):
    owner, made = three
    services.image_update(image_id=made[1].id, owner=owner, title="Lighthouse")
    assert ids(services.image_list(owner=owner, search="lighthouse")) == [made[1].id]


def test_cursor_pages_through_a_filtered_list(three):
    owner, made = three
    first = services.image_list(owner=owner, visibility="private", limit=1, sort="oldest")
    assert ids(first) == [made[0].id] and first.next_cursor
    second = services.image_list(
        owner=owner, visibility="private", limit=1, sort="oldest", cursor=first.next_cursor
    )
    assert ids(second) == [made[2].id] and second.next_cursor is None


def test_lists_never_scan(three, monkeypatch):
    owner, _ = three

    def no_scan(*args, **kwargs):
        raise AssertionError("Scan on a request path")

    monkeypatch.setattr(ImageItem, "scan", no_scan)
    assert len(services.image_list(owner=owner, search="a", visibility="private").images) == 2


def test_gallery_page_filters_from_the_query_string(three, signed_in):
    owner, made = three
    page = signed_in.get("/", {"q": "cat"}).content.decode()
    assert made[2].id in page and made[0].id not in page
    page = signed_in.get("/", {"q": "nothing-like-this"}).content.decode()
    assert "No images match" in page


def test_each_card_is_one_link(three, signed_in):
    page = signed_in.get("/").content.decode()
    for image in three[1]:
        assert page.count(f'href="/images/{image.id}/"') == 1


def test_bulk_visibility_changes_each_and_summarises(three, signed_in):
    owner, made = three
    response = signed_in.post(
        "/bulk/",
        {"ids": [made[0].id, made[2].id], "action": "visibility", "visibility": "unlisted", "next": "/?q=a"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/?q=a"
    assert "2 images made unlisted." in response.content.decode()
    assert {services.image_get(image_id=m.id).visibility for m in (made[0], made[2])} == {"unlisted"}


def test_bulk_delete_asks_first_naming_the_count(three, signed_in):
    owner, made = three
    chosen = [made[0].id, made[1].id]
    page = signed_in.post("/bulk/", {"ids": chosen, "action": "delete"}).content.decode()
    assert "Delete 2 images?" in page
    assert len(services.image_list(owner=owner).images) == 3
    response = signed_in.post("/bulk/", {"ids": chosen, "action": "delete", "confirm": "1"}, follow=True)
    assert "2 images deleted." in response.content.decode()
    assert ids(services.image_list(owner=owner)) == [made[2].id]


def test_bulk_refuses_someone_elses_image(three, client, django_user_model):
    _, made = three
    mallory = django_user_model.objects.create_user("mallory", password="x-long-Passphrase-1")
    client.force_login(mallory)
    response = client.post("/bulk/", {"ids": [made[0].id], "action": "delete", "confirm": "1"}, follow=True)
    assert "1 image could not be changed." in response.content.decode()
    assert services.image_get(image_id=made[0].id).status == "ready"


def test_bulk_next_never_leaves_the_site(three, signed_in):
    _, made = three
    response = signed_in.post(
        "/bulk/",
        {
            "ids": [made[0].id],
            "action": "visibility",
            "visibility": "public",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/"


def test_bulk_without_a_selection_says_so(three, signed_in):
    response = signed_in.post("/bulk/", {"action": "delete"}, follow=True)
    assert "Select at least one image." in response.content.decode()


def test_logout_asks_on_get_and_signs_out_on_post(signed_in):
    page = signed_in.get("/accounts/logout/").content.decode()
    assert "Sign out?" in page and 'method="post"' in page
    assert "_auth_user_id" in signed_in.session
    signed_in.post("/accounts/logout/")
    assert "_auth_user_id" not in signed_in.session


def test_neighbours_are_the_next_newer_and_older(three):
    _, made = three
    assert services.image_neighbours(image=made[1]) == (made[2].id, made[0].id)
    assert services.image_neighbours(image=made[0]) == (made[1].id, None)
    assert services.image_neighbours(image=made[2]) == (None, made[1].id)
