"""Short-link services, run on moto and (marked integration) on dynalite + s3rver."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest

from gallery import services as gallery
from gallery.exceptions import ImageNotFound
from shortlinks import codes, limits, services
from shortlinks.exceptions import (
    InvalidLinkOption,
    PasswordIncorrect,
    PasswordRequired,
    ShortCodeExhausted,
    ShortLinkNotFound,
    TooManyAttempts,
)
from shortlinks.models import ShortLinkItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def atomic(stores):
    """Concurrency proofs run on the local DynamoDB server: moto's UpdateItem is a Python
    read-modify-write without a lock, so it loses updates under threads by itself."""
    if stores == "moto":
        pytest.skip("moto is not atomic across threads; the local server run is the proof")


@pytest.fixture
def shared(stores, user, make_jpeg):
    """An unlisted, ready image of ``user``."""
    return gallery.image_upload(owner=str(user.pk), data=make_jpeg(200, 150), visibility="unlisted")


def test_codes_are_base62_and_long_enough():
    seen = {codes.generate() for _ in range(2000)}
    assert len(seen) == 2000
    assert all(len(c) >= 10 and codes.is_well_formed(c) for c in seen)
    assert not codes.is_well_formed("short")
    assert not codes.is_well_formed("http://evil.example/x")


def test_upload_creates_a_default_link_to_the_share_page(shared):
    links = services.shortlink_list_for_owner(image_id=shared.id, owner=shared.owner)
    assert len(links) == 1
    link = links[0]
    assert (link.target, link.visits, link.revoked, link.has_password) == ("page", 0, False, False)
    found = services.shortlink_resolve(code=link.code)
    assert (found.image_id, found.target, found.file_url) == (shared.id, "page", None)
    assert gallery.image_get(image_id=shared.id).short_code == link.code


def test_revoking_the_default_link_clears_it_from_the_image(shared):
    first = services.shortlink_list_for_owner(image_id=shared.id, owner=shared.owner)[0]
    other = services.shortlink_create(image_id=shared.id, owner=shared.owner)
    services.shortlink_revoke(code=other.code, owner=shared.owner)
    assert gallery.image_get(image_id=shared.id).short_code == first.code  # not the default: kept
    services.shortlink_revoke(code=first.code, owner=shared.owner)
    assert gallery.image_get(image_id=shared.id).short_code is None


def test_a_collision_never_overwrites_a_link(shared):
    taken = services.shortlink_create(image_id=shared.id, owner=shared.owner, max_visits=3)
    fresh = "Z" * 12
    with mock.patch.object(codes, "generate", side_effect=[taken.code, taken.code, fresh]):
        link = services.shortlink_create(image_id=shared.id, owner=shared.owner)
    assert link.code == fresh
    assert ShortLinkItem.get(taken.code).max_visits == 3  # untouched


def test_codes_exhausted_after_repeated_collisions(shared):
    taken = services.shortlink_create(image_id=shared.id, owner=shared.owner)
    with (
        mock.patch.object(codes, "generate", return_value=taken.code),
        pytest.raises(ShortCodeExhausted),
    ):
        services.shortlink_create(image_id=shared.id, owner=shared.owner)


def test_only_the_owner_can_make_links(shared, other_user):
    with pytest.raises(ImageNotFound):
        services.shortlink_create(image_id=shared.id, owner=str(other_user.pk))
    with pytest.raises(ImageNotFound):
        services.shortlink_list_for_owner(image_id=shared.id, owner=str(other_user.pk))


@pytest.mark.parametrize(
    "options",
    [
        {"target": "https://evil.example/"},
        {"target": "//evil.example"},
        {"target": "nope"},
        {"expires_at": datetime.now(UTC) - timedelta(seconds=1)},
        {"expires_at": datetime(2030, 1, 1)},  # naive
        {"max_visits": 0},
        {"max_visits": True},
        {"password": "x" * 500},
    ],
)
def test_invalid_options_are_refused(shared, options):
    with pytest.raises(InvalidLinkOption):
        services.shortlink_create(image_id=shared.id, owner=shared.owner, **options)


def test_a_rendition_link_redirects_to_a_signed_url_of_that_file(shared):
    link = services.shortlink_create(image_id=shared.id, owner=shared.owner, target="medium.webp")
    url = services.shortlink_resolve(code=link.code).file_url
    assert url.startswith("http") and "X-Amz-Signature=" in url
    assert f"/{shared.id}/medium-webp-" in url


def test_unknown_and_malformed_codes_are_not_found(stores):
    for code in ("A" * 12, "", "../etc", "x" * 33, "https://evil.example"):
        with pytest.raises(ShortLinkNotFound):
            services.shortlink_resolve(code=code)


def test_revoked_link_is_not_found(shared):
    link = services.shortlink_create(image_id=shared.id, owner=shared.owner)
    revoked = services.shortlink_revoke(code=link.code, owner=shared.owner)
    assert revoked.revoked and revoked.state == "revoked"
    with pytest.raises(ShortLinkNotFound):
        services.shortlink_resolve(code=link.code)


def test_only_the_owner_can_revoke(shared, other_user):
    link = services.shortlink_create(image_id=shared.id, owner=shared.owner)
    with pytest.raises(ShortLinkNotFound):
        services.shortlink_revoke(code=link.code, owner=str(other_user.pk))
    with pytest.raises(ShortLinkNotFound):
        services.shortlink_revoke(code="Q" * 12, owner=shared.owner)  # no new item appears
    assert services.shortlink_resolve(code=link.code)
    with pytest.raises(ShortLinkItem.DoesNotExist):
        ShortLinkItem.get("Q" * 12)


def test_expired_link_is_refused_at_read_time(shared):
    link = services.shortlink_create(
        image_id=shared.id, owner=shared.owner, expires_at=datetime.now(UTC) + timedelta(hours=1)
    )
    assert services.shortlink_resolve(code=link.code)
    later = datetime.now(UTC) + timedelta(hours=2)
    with mock.patch.object(services, "_now", return_value=later), pytest.raises(ShortLinkNotFound):
        services.shortlink_resolve(code=link.code)
    # The item is still in the table (no TTL locally): the app alone refuses it.
    assert ShortLinkItem.get(link.code).expires_ttl is not None


def test_visit_limit_is_never_exceeded(shared):
    link = services.shortlink_create(image_id=shared.id, owner=shared.owner, max_visits=2)
    services.shortlink_resolve(code=link.code)
    services.shortlink_resolve(code=link.code)
    with pytest.raises(ShortLinkNotFound):
        services.shortlink_resolve(code=link.code)
    stored = services.shortlink_get(code=link.code, owner=shared.owner)
    assert (stored.visits, stored.state) == (2, "used up")
    assert stored.last_visit_at is not None


def test_fifty_concurrent_visits_count_fifty(shared, atomic):
    link = services.shortlink_create(image_id=shared.id, owner=shared.owner)
    start = threading.Barrier(50)

    def visit(_):
        start.wait()
        return services.shortlink_resolve(code=link.code)

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(visit, range(50)))
    assert len(results) == 50
    assert services.shortlink_get(code=link.code, owner=shared.owner).visits == 50


def test_concurrent_visits_never_pass_the_limit(shared, atomic):
    link = services.shortlink_create(image_id=shared.id, owner=shared.owner, max_visits=10)
    start = threading.Barrier(30)

    def visit(_):
        start.wait()
        try:
            services.shortlink_resolve(code=link.code)
            return True
        except ShortLinkNotFound:
            return False

    with ThreadPoolExecutor(max_workers=30) as pool:
        results = list(pool.map(visit, range(30)))
    assert results.count(True) == 10
    assert services.shortlink_get(code=link.code, owner=shared.owner).visits == 10


@pytest.mark.parametrize(
    "suspend,restore",
    [
        ({"visibility": "private"}, {"visibility": "unlisted"}),
        ({"visibility": "private"}, {"visibility": "public"}),
        ("hide", "unhide"),
    ],
)
def test_private_or_hidden_suspends_links_and_sharing_again_restores_them(shared, suspend, restore):
    link = services.shortlink_create(image_id=shared.id, owner=shared.owner, target="large")
    default = services.shortlink_list_for_owner(image_id=shared.id, owner=shared.owner)[0]
    revoked = services.shortlink_create(image_id=shared.id, owner=shared.owner)
    services.shortlink_revoke(code=revoked.code, owner=shared.owner)

    def change(what):
        if isinstance(what, dict):
            gallery.image_update(image_id=shared.id, owner=shared.owner, **what)
        else:
            gallery.image_moderate(image_id=shared.id, action=what)

    change(suspend)
    for code in (link.code, default.code):
        with pytest.raises(ShortLinkNotFound):
            services.shortlink_resolve(code=code)
    states = {
        ln.code: ln.state for ln in services.shortlink_list_for_owner(image_id=shared.id, owner=shared.owner)
    }
    assert states == {default.code: "suspended", link.code: "suspended", revoked.code: "revoked"}

    change(restore)
    assert services.shortlink_resolve(code=link.code).file_url
    assert services.shortlink_resolve(code=default.code).image_id == shared.id
    with pytest.raises(ShortLinkNotFound):  # the owner's revoke is final
        services.shortlink_resolve(code=revoked.code)


def test_saving_a_private_image_again_keeps_its_links(stores, user, make_jpeg):
    image = gallery.image_upload(owner=str(user.pk), data=make_jpeg(64, 48))  # private
    gallery.image_update(image_id=image.id, owner=image.owner, title="Renamed", visibility="private")
    gallery.image_update(image_id=image.id, owner=image.owner, visibility="unlisted")
    assert services.shortlink_resolve(code=image.short_code).image_id == image.id


def test_deleting_the_image_revokes_its_links_for_good(shared):
    link = services.shortlink_create(image_id=shared.id, owner=shared.owner, target="large")
    gallery.image_delete(image_id=shared.id, owner=shared.owner)
    with pytest.raises(ShortLinkNotFound):
        services.shortlink_resolve(code=link.code)
    items = list(ShortLinkItem.image_index.query(shared.id))
    assert len(items) == 2 and all(i.revoked == 1 for i in items)


def test_link_of_a_private_image_is_not_found_until_shared(stores, user, make_jpeg):
    image = gallery.image_upload(owner=str(user.pk), data=make_jpeg(64, 48))  # private by default
    link = services.shortlink_list_for_owner(image_id=image.id, owner=image.owner)[0]
    with pytest.raises(ShortLinkNotFound):
        services.shortlink_resolve(code=link.code)
    gallery.image_update(image_id=image.id, owner=image.owner, visibility="unlisted")
    assert services.shortlink_resolve(code=link.code).image_id == image.id


def test_password_protected_link(shared):
    link = services.shortlink_create(image_id=shared.id, owner=shared.owner, password="open sesame")
    stored = ShortLinkItem.get(link.code).password_hash
    assert stored and "open sesame" not in stored
    with pytest.raises(PasswordRequired):
        services.shortlink_resolve(code=link.code)
    with pytest.raises(PasswordIncorrect):
        services.shortlink_resolve(code=link.code, password="wrong", client="1.2.3.4")
    assert services.shortlink_resolve(code=link.code, password="open sesame", client="1.2.3.4")
    assert services.shortlink_get(code=link.code, owner=shared.owner).visits == 1


def test_password_attempts_are_limited_per_client(shared):
    link = services.shortlink_create(image_id=shared.id, owner=shared.owner, password="right")
    for _ in range(5):
        with pytest.raises(PasswordIncorrect):
            services.shortlink_resolve(code=link.code, password="guess", client="10.0.0.1")
    with pytest.raises(TooManyAttempts):  # even the right password, once the limit is hit
        services.shortlink_resolve(code=link.code, password="right", client="10.0.0.1")
    # Someone else is not locked out.
    assert services.shortlink_resolve(code=link.code, password="right", client="10.0.0.2")
    # A new window starts afresh.
    later = int((datetime.now(UTC) + timedelta(minutes=16)).timestamp())
    with mock.patch.object(limits, "_now_seconds", return_value=later):
        assert services.shortlink_resolve(code=link.code, password="right", client="10.0.0.1")


def test_right_passwords_do_not_use_up_the_allowance(shared):
    link = services.shortlink_create(image_id=shared.id, owner=shared.owner, password="right")
    for _ in range(8):
        assert services.shortlink_resolve(code=link.code, password="right", client="10.0.0.3")


def test_password_attempts_are_limited_per_link_across_clients(shared, settings):
    settings.SHORTLINKS_PASSWORD_ATTEMPTS_PER_LINK = 7
    link = services.shortlink_create(image_id=shared.id, owner=shared.owner, password="right")
    for n in range(7):
        with pytest.raises(PasswordIncorrect):
            services.shortlink_resolve(code=link.code, password="guess", client=f"10.1.0.{n}")
    with pytest.raises(TooManyAttempts):
        services.shortlink_resolve(code=link.code, password="guess", client="10.1.0.99")


def test_parallel_guesses_cannot_pass_the_limit(shared, atomic):
    link = services.shortlink_create(image_id=shared.id, owner=shared.owner, password="right")
    start = threading.Barrier(20)

    def guess(_):
        start.wait()
        try:
            services.shortlink_resolve(code=link.code, password="guess", client="10.2.0.1")
        except PasswordIncorrect:
            return "checked"
        except TooManyAttempts:
            return "refused"

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(guess, range(20)))
    assert results.count("checked") == 5 and results.count("refused") == 15


def test_password_link_of_a_private_image_does_not_ask_for_the_password(shared):
    link = services.shortlink_create(image_id=shared.id, owner=shared.owner, password="right")
    gallery.image_update(image_id=shared.id, owner=shared.owner, visibility="private")
    with pytest.raises(ShortLinkNotFound):
        services.shortlink_resolve(code=link.code)
