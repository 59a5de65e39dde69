"""The public pages (/s/<code>, /i/<id>/, /public/) and the owner's share panel."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.test import Client

from gallery import services as gallery
from gallery import storage
from shortlinks import services

pytestmark = pytest.mark.django_db

HEADERS_THAT_MATTER = ("Content-Type", "Cache-Control", "Vary", "Content-Length", "Location", "Set-Cookie")


@pytest.fixture
def image(stores, user, make_jpeg):
    return gallery.image_upload(
        owner=str(user.pk), data=make_jpeg(400, 300), title="Harbour at dawn", visibility="unlisted"
    )


def new_link(image, **options):
    return services.shortlink_create(image_id=image.id, owner=image.owner, **options)


def fingerprint(response):
    headers = {name: response.get(name) for name in HEADERS_THAT_MATTER}
    return response.status_code, response.content, headers, response.cookies.keys()


def test_active_link_redirects_to_the_share_page_and_counts(client, image):
    link = new_link(image)
    response = client.get(f"/s/{link.code}")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/i/{image.id}/?g=")
    assert response["Cache-Control"] == "no-store"
    assert services.shortlink_get(code=link.code, owner=image.owner).visits == 1


def test_unknown_private_revoked_expired_used_up_hidden_and_deleted_look_the_same(
    stores, client, user, make_jpeg
):
    def shared_image():
        return gallery.image_upload(owner=str(user.pk), data=make_jpeg(64, 48), visibility="unlisted")

    cases = {"unknown": "AbCdEfGhIj12", "malformed": "x"}

    private = gallery.image_upload(owner=str(user.pk), data=make_jpeg(64, 48))
    cases["private"] = new_link(private).code

    revoked = new_link(shared_image())
    services.shortlink_revoke(code=revoked.code, owner=revoked.owner)
    cases["revoked"] = revoked.code

    expired = new_link(shared_image(), expires_at=datetime.now(UTC) + timedelta(minutes=1))
    cases["expired"] = expired.code

    used_up = new_link(shared_image(), max_visits=1)
    assert client.get(f"/s/{used_up.code}").status_code == 302
    cases["used up"] = used_up.code

    hidden = shared_image()
    cases["hidden"] = new_link(hidden).code
    gallery.image_moderate(image_id=hidden.id, action="hide")

    deleted = shared_image()
    cases["deleted"] = new_link(deleted).code
    gallery.image_delete(image_id=deleted.id, owner=deleted.owner)

    made_private = shared_image()
    cases["made private"] = new_link(made_private, password="secret").code
    gallery.image_update(image_id=made_private.id, owner=made_private.owner, visibility="private")

    later = datetime.now(UTC) + timedelta(minutes=5)
    with mock.patch.object(services, "_now", return_value=later):
        answers = {name: fingerprint(client.get(f"/s/{code}")) for name, code in cases.items()}

    reference = answers.pop("unknown")
    assert reference[0] == 404 and reference[2]["Cache-Control"] == "no-store"
    for name, answer in answers.items():
        assert answer == reference, name
    for code in cases.values():
        assert code.encode() not in reference[1]


def test_the_404_does_not_echo_the_code(client, stores):
    response = client.get("/s/ZZZZyyyyXXXX")
    assert response.status_code == 404 and b"ZZZZyyyyXXXX" not in response.content


@pytest.mark.parametrize(
    "suffix",
    [
        "?next=https://evil.example/",
        "?url=//evil.example",
        "?target=https%3A%2F%2Fevil.example",
        "?redirect_to=http://evil.example&password=x",
    ],
)
def test_query_parameters_never_change_the_target(client, image, suffix):
    link = new_link(image)
    response = client.get(f"/s/{link.code}{suffix}")
    assert response.status_code == 302 and response["Location"].startswith(f"/i/{image.id}/?g=")


@pytest.mark.parametrize(
    "path",
    ["/s/https://evil.example", "/s///evil.example", "/s/%2F%2Fevil.example", "/s/evil.example%2F..%2F"],
)
def test_url_shaped_codes_are_not_found(client, stores, path):
    response = client.get(path)
    assert response.status_code == 404 and "Location" not in response


def test_rendition_link_goes_to_the_bucket_only(client, image):
    link = new_link(image, target="large")
    location = client.get(f"/s/{link.code}?next=https://evil.example/")["Location"]
    bucket_host = urlsplit(storage.url("anything")).netloc
    assert urlsplit(location).netloc == bucket_host
    assert "X-Amz-Signature=" in location and "evil" not in location


def test_password_form_then_redirect(client, image):
    link = new_link(image, password="open sesame")
    form = client.get(f"/s/{link.code}")
    assert form.status_code == 200 and b'type="password"' in form.content
    assert form["Cache-Control"] == "no-store"
    wrong = client.post(f"/s/{link.code}", {"password": "nope"})
    assert wrong.status_code == 403 and b"not correct" in wrong.content
    right = client.post(f"/s/{link.code}", {"password": "open sesame"})
    assert right.status_code == 302 and right["Location"].startswith(f"/i/{image.id}/?g=")


def test_password_form_is_csrf_protected(stores, image):
    link = new_link(image, password="open sesame")
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/s/{link.code}", {"password": "open sesame"}).status_code == 403
    page = strict.get(f"/s/{link.code}")
    token = page.cookies["csrftoken"].value
    answer = strict.post(f"/s/{link.code}", {"password": "open sesame", "csrfmiddlewaretoken": token})
    assert answer.status_code == 302


def test_password_attempts_are_limited(client, image):
    link = new_link(image, password="right")
    for _ in range(5):
        assert client.post(f"/s/{link.code}", {"password": "guess"}).status_code == 403
    limited = client.post(f"/s/{link.code}", {"password": "right"})
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    other_client = client.post(f"/s/{link.code}", {"password": "right"}, REMOTE_ADDR="192.0.2.7")
    assert other_client.status_code == 302


def test_forwarded_for_is_ignored_unless_proxies_are_trusted(client, image, settings):
    link = new_link(image, password="right")
    for n in range(5):
        client.post(f"/s/{link.code}", {"password": "guess"}, headers={"X-Forwarded-For": f"198.51.100.{n}"})
    # Forged headers did not spread the guesses over several "clients".
    assert client.post(f"/s/{link.code}", {"password": "right"}).status_code == 429
    settings.CLIENT_IP_TRUSTED_PROXIES = 1
    answer = client.post(f"/s/{link.code}", {"password": "right"}, headers={"X-Forwarded-For": "203.0.113.9"})
    assert answer.status_code == 302


def test_fifty_parallel_requests_count_fifty(stores, image):
    if stores == "moto":
        pytest.skip("moto is not atomic across threads; the local server run is the proof")
    link = new_link(image)
    start = threading.Barrier(50)

    def hit(_):
        browser = Client()
        start.wait()
        return browser.get(f"/s/{link.code}").status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(hit, range(50)))
    assert statuses == [302] * 50
    assert services.shortlink_get(code=link.code, owner=image.owner).visits == 50


# --------------------------------------------------------------------------- share page
def test_share_page_has_the_picture_previews_and_a_download(client, user, image):
    gallery.image_update(image_id=image.id, owner=str(user.pk), alt_text="Boats in fog", caption="Early")
    code = gallery.image_get(image_id=image.id).short_code
    response = client.get(f"/s/{code}", follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Harbour at dawn" in page and 'alt="Boats in fog"' in page and "srcset=" in page
    for tag in ('property="og:title"', 'property="og:image"', 'property="og:url"', 'name="twitter:card"'):
        assert tag in page
    assert f'content="http://testserver/s/{code}"' in page  # what people share is the short link
    assert "Download" in page and "large-" in page
    assert 'name="robots" content="noindex"' in page  # unlisted: not for search engines
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("change", ["private", "hidden", "deleted", "unknown"])
def test_share_page_of_an_unshared_image_is_the_same_404(client, user, image, change):
    reference = client.get("/i/nothing-here/")
    if change == "private":
        gallery.image_update(image_id=image.id, owner=str(user.pk), visibility="private")
    elif change == "hidden":
        gallery.image_moderate(image_id=image.id, action="hide")
    elif change == "deleted":
        gallery.image_delete(image_id=image.id, owner=str(user.pk))
    answer = client.get(f"/i/{image.id}/" if change != "unknown" else "/i/also-nothing/")
    assert reference.status_code == 404
    assert fingerprint(answer) == fingerprint(reference)


# --------------------------------------------------------------------------- public gallery
def test_public_gallery_lists_public_images_only_newest_first_paged(
    client, stores, user, make_jpeg, settings
):
    settings.GALLERY_PAGE_SIZE = 2
    public = [
        gallery.image_upload(owner=str(user.pk), data=make_jpeg(64, 48), title=f"pub{i}", visibility="public")
        for i in range(3)
    ]
    for image in public:  # pre-moderation: the public gallery lists approved images only
        gallery.image_moderate(image_id=image.id, action="approve")
    gallery.image_upload(
        owner=str(user.pk), data=make_jpeg(64, 48), title="pub-unapproved", visibility="public"
    )
    gallery.image_upload(
        owner=str(user.pk), data=make_jpeg(64, 48), title="secret-unlisted", visibility="unlisted"
    )
    gallery.image_upload(owner=str(user.pk), data=make_jpeg(64, 48), title="secret-private")

    first = client.get("/public/")
    page = first.content.decode()
    assert first.status_code == 200
    assert "pub2" in page and "pub1" in page and "pub0" not in page and "secret" not in page
    assert "unapproved" not in page
    assert f"/public/{public[2].id}/" in page  # each card opens the public viewer
    cursor = first.context["next_cursor"]
    second = client.get(f"/public/?cursor={cursor}").content.decode()
    assert "pub0" in second and "pub2" not in second


def test_public_gallery_with_a_bad_cursor_starts_over(client, stores):
    response = client.get("/public/?cursor=garbage!!")
    assert response.status_code == 302 and response["Location"] == "/public/"


def test_nav_links_to_the_public_gallery(client, stores):
    assert 'href="/public/"' in client.get("/public/").content.decode()


# --------------------------------------------------------------------------- owner panel
@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def test_detail_page_panel_lists_links_with_counts(signed_in, image):
    code = services.shortlink_list_for_owner(image_id=image.id, owner=image.owner)[0].code
    Client().get(f"/s/{code}")
    page = signed_in.get(f"/images/{image.id}/").content.decode()
    assert f"http://testserver/s/{code}" in page
    assert "1 visit" in page and "last visit" in page and "never" not in page.split(code)[1][:400]
    assert f"/s/{code}/qr.svg" in page and f"/s/{code}/revoke/" in page
    assert 'id="new-link"' in page


def test_create_and_revoke_from_the_detail_page(signed_in, image):
    response = signed_in.post(
        f"/images/{image.id}/links/",
        {"target": "medium", "expires_in": "86400", "max_visits": "5", "password": ""},
        follow=True,
    )
    assert response.status_code == 200
    links = services.shortlink_list_for_owner(image_id=image.id, owner=image.owner)
    new = links[-1]
    assert (new.target, new.max_visits, new.has_password) == ("medium", 5, False)
    assert new.expires_at and new.expires_at > datetime.now(UTC) + timedelta(hours=23)

    revoked = signed_in.post(f"/s/{new.code}/revoke/")
    assert revoked.status_code == 302 and revoked["Location"].startswith(f"/images/{image.id}/")
    assert services.shortlink_get(code=new.code, owner=image.owner).revoked


def test_panel_refuses_a_foreign_target(signed_in, image):
    signed_in.post(f"/images/{image.id}/links/", {"target": "https://evil.example/"})
    assert len(services.shortlink_list_for_owner(image_id=image.id, owner=image.owner)) == 1


def test_other_people_cannot_create_revoke_or_see_qr(client, other_user, image):
    code = services.shortlink_list_for_owner(image_id=image.id, owner=image.owner)[0].code
    assert client.get(f"/s/{code}/qr.svg").status_code == 302  # to the login page
    client.force_login(other_user)
    assert client.post(f"/images/{image.id}/links/", {"target": "page"}).status_code == 404
    assert client.post(f"/s/{code}/revoke/").status_code == 404
    assert client.get(f"/s/{code}/qr.svg").status_code == 404
    assert client.get(f"/s/{code}").status_code == 302  # untouched


def test_owner_gets_an_svg_qr_code(signed_in, image):
    code = services.shortlink_list_for_owner(image_id=image.id, owner=image.owner)[0].code
    response = signed_in.get(f"/s/{code}/qr.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<svg") and b"<script" not in response.content


def test_share_then_private_through_the_pages(signed_in, image):
    """What the browser test does, without a browser: share, open signed out, unshare."""
    code = services.shortlink_list_for_owner(image_id=image.id, owner=image.owner)[0].code
    visitor = Client()
    page = visitor.get(f"/s/{code}", follow=True)
    assert page.status_code == 200 and "Harbour at dawn" in page.content.decode()
    signed_in.post(f"/images/{image.id}/edit/", {"title": "Harbour at dawn", "visibility": "private"})
    assert visitor.get(f"/s/{code}").status_code == 404
