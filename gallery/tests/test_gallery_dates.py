"""The owner's gallery by dates: upload days as the key condition of the owner index's
Query (BETWEEN, no Scan, no filter), and the order of the date taken on the sparse
owner-taken-index, with the photos that have no date taken counted apart."""

from datetime import UTC, date, datetime

import pytest
from pynamodb.connection.base import Connection

from gallery import services
from gallery.models import ImageItem
from gallery.tests.test_exif import jpeg_with_exif

pytestmark = pytest.mark.django_db


def ids(page):
    return [i.id for i in page.images]


def uploaded_on(image, when: datetime):
    item = ImageItem.get(image.id, consistent_read=True)
    item.created_at = when
    item.save()


@pytest.fixture
def uploads(stores, user, make_jpeg):
    """Uploaded on 10 Jan, 15 Feb (first thing) and 20 Mar 2025 (last thing), UTC."""
    owner = str(user.pk)
    made = [services.image_upload(owner=owner, data=make_jpeg(64, 48), title=f"n{i}") for i in range(3)]
    for image, when in zip(
        made,
        [
            datetime(2025, 1, 10, 12, tzinfo=UTC),
            datetime(2025, 2, 15, 0, 0, 0, 1, tzinfo=UTC),
            datetime(2025, 3, 20, 23, 59, 59, 999999, tzinfo=UTC),
        ],
        strict=True,
    ):
        uploaded_on(image, when)
    return owner, made


@pytest.fixture
def queries(monkeypatch):
    """The key and filter conditions of every Query the services send."""
    sent = []
    original = Connection.query

    def spy(self, table_name, hash_key, *args, **kwargs):
        sent.append(kwargs)
        return original(self, table_name, hash_key, *args, **kwargs)

    monkeypatch.setattr(Connection, "query", spy)
    return sent


def test_upload_days_are_inclusive(uploads):
    owner, (jan, feb, mar) = uploads
    listed = services.image_list(owner=owner, uploaded_from=date(2025, 2, 15), uploaded_to=date(2025, 3, 20))
    assert ids(listed) == [mar.id, feb.id]
    assert ids(services.image_list(owner=owner, uploaded_from=date(2025, 2, 16))) == [mar.id]
    assert ids(services.image_list(owner=owner, uploaded_to=date(2025, 2, 15), sort="oldest")) == [
        jan.id,
        feb.id,
    ]
    assert ids(services.image_list(owner=owner, uploaded_from=date(2025, 3, 21))) == []
    # from after to: the same days
    assert ids(
        services.image_list(owner=owner, uploaded_from=date(2025, 3, 1), uploaded_to=date(2025, 1, 1))
    ) == [
        feb.id,
        jan.id,
    ]


def test_upload_days_are_the_key_condition_not_a_filter(uploads, queries):
    owner, _ = uploads
    services.image_list(owner=owner, uploaded_from=date(2025, 2, 1), uploaded_to=date(2025, 2, 28))
    [query] = queries
    assert "BETWEEN" in str(query["range_key_condition"]) and "created_at" in str(
        query["range_key_condition"]
    )
    assert query["filter_condition"] is None and query["index_name"] == "owner-created-index"


def test_cursor_pages_through_a_date_range(uploads):
    owner, (jan, feb, mar) = uploads
    days = {"uploaded_from": date(2025, 1, 1), "uploaded_to": date(2025, 3, 31)}
    first = services.image_list(owner=owner, limit=2, **days)
    assert ids(first) == [mar.id, feb.id] and first.next_cursor
    second = services.image_list(owner=owner, limit=2, cursor=first.next_cursor, **days)
    assert ids(second) == [jan.id] and second.next_cursor is None


@pytest.fixture
def photos(stores, user, make_jpeg):
    """Uploaded in this order: taken 2024-05-01, no date, taken 2019-07-04, taken 2022-01-02."""
    owner = str(user.pk)

    def up(data, **kw):
        return services.image_upload(owner=owner, data=data, **kw)

    return owner, [
        up(jpeg_with_exif()),
        up(make_jpeg(64, 48), title="scan"),
        up(jpeg_with_exif(DateTimeOriginal="2019:07:04 08:00:00"), visibility="public"),
        up(jpeg_with_exif(DateTimeOriginal="2022:01:02 18:30:00")),
    ]


def test_pipeline_records_the_date_taken_only_when_there_is_one(photos):
    _, (may, scan, _, _) = photos
    assert ImageItem.get(may.id, consistent_read=True).taken_at == "2024-05-01T10:20:30"
    assert ImageItem.get(scan.id, consistent_read=True).taken_at is None


def test_sort_by_date_taken_leaves_out_photos_without_one(photos, queries):
    owner, (may, scan, july, jan) = photos
    assert ids(services.image_list(owner=owner, sort="taken_newest")) == [may.id, jan.id, july.id]
    assert queries[-1]["index_name"] == "owner-taken-index"
    assert ids(services.image_list(owner=owner, sort="taken_oldest")) == [july.id, jan.id, may.id]
    assert services.image_count_without_date(owner=owner) == 1
    assert services.image_count_without_date(owner=owner, search="scan") == 1
    assert services.image_count_without_date(owner=owner, visibility="public") == 0


def test_cursor_pages_through_the_date_taken_order(photos):
    owner, (may, _, july, jan) = photos
    seen, cursor = [], None
    for _ in range(4):
        page = services.image_list(owner=owner, sort="taken_oldest", limit=1, cursor=cursor)
        seen += ids(page)
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == [july.id, jan.id, may.id]


def test_date_taken_order_with_filters_and_upload_days(photos):
    owner, (may, _, july, jan) = photos
    assert ids(services.image_list(owner=owner, sort="taken_newest", visibility="public")) == [july.id]
    uploaded_on(may, datetime(2020, 1, 1, tzinfo=UTC))
    today = datetime.now(UTC).date()
    assert ids(services.image_list(owner=owner, sort="taken_newest", uploaded_from=today)) == [
        jan.id,
        july.id,
    ]
    assert services.image_count_without_date(owner=owner, uploaded_to=date(2020, 12, 31)) == 0


def test_a_cursor_of_the_upload_order_is_refused_by_the_taken_order(photos):
    from gallery.exceptions import InvalidCursor

    owner, _ = photos
    scan_cursor = services.image_list(owner=owner, limit=3).next_cursor  # ends at "scan" (no date)
    with pytest.raises(InvalidCursor):
        services.image_list(owner=owner, sort="taken_newest", cursor=scan_cursor)


def test_gallery_page_says_how_many_photos_have_no_date_taken(client, user, photos):
    client.force_login(user)
    html = client.get("/?sort=taken_newest").content.decode()
    assert "1 photo without a date taken is not shown in this order." in html
    assert 'id="sort-by-upload" href="/"' in html
    assert "without a date taken" not in client.get("/?sort=newest").content.decode()


def test_gallery_page_keeps_upload_days_in_its_links(client, user, uploads):
    client.force_login(user)
    html = client.get("/?uploaded_from=2025-01-01&uploaded_to=2025-02-28").content.decode()
    titles = [t for t in ("n0", "n1", "n2") if f'<span class="card-title">{t}</span>' in html]
    assert titles == ["n0", "n1"]  # not n2, uploaded in March
    assert 'value="2025-01-01"' in html and 'value="2025-02-28"' in html


def test_reprocessing_an_older_image_gives_it_its_date_taken(photos):
    """Images uploaded before the index existed: a forced re-run reads the original again."""
    owner, (may, *_) = photos
    item = ImageItem.get(may.id, consistent_read=True)
    item.taken_at = None
    item.save()
    assert may.id not in ids(services.image_list(owner=owner, sort="taken_newest"))
    services.image_process(image_id=may.id, force=True)
    assert ids(services.image_list(owner=owner, sort="taken_newest"))[0] == may.id
