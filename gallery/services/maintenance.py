"""Finding what failures left behind, for `manage.py repair` (imageplatform.repair).

Unsettled records are found through the sparse attention index (a Query per state). The
cross-checks between records and objects read the whole bucket listing and the whole
table once each: a maintenance job's Scan, never on a request path.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings

from gallery import storage
from gallery.models import ImageItem
from gallery.services.pipeline import remove_everything
from gallery.services.records import ID_MAX, now, renditions_of

ATTENTION_STATES = ("pending", "failed", "deleting", "awaiting_upload", "scanning", "processing")


@dataclass(frozen=True)
class StoredObject:
    key: str
    last_modified: datetime


@dataclass
class Survey:
    """What a look at every store found (image ids, grouped by what is wrong)."""

    stuck: list[str] = field(default_factory=list)  # pending/scanning/processing too long, or failed
    abandoned: list[str] = field(default_factory=list)  # direct uploads whose POST expired unused
    deleting: list[str] = field(default_factory=list)  # a deletion that did not finish
    orphans: dict[str, list[str]] = field(default_factory=dict)  # image id -> keys without a record
    missing_original: list[str] = field(default_factory=list)  # record whose original is gone
    missing_renditions: list[str] = field(default_factory=list)  # ready, some rendition gone
    without_link: list[tuple[str, str]] = field(default_factory=list)  # (id, owner), ready, no code

    def problems(self) -> int:
        return (
            len(self.stuck)
            + len(self.abandoned)
            + len(self.deleting)
            + len(self.orphans)
            + len(self.missing_original)
            + len(self.missing_renditions)
            + len(self.without_link)
        )


OBJECT_KINDS = ("uploads", "quarantine", "originals", "renditions")


def _image_id_of(key: str) -> str | None:
    for kind in OBJECT_KINDS:
        prefix = storage.prefix(kind)
        if key.startswith(prefix):
            image_id = key[len(prefix) :].split("/", 1)[0]
            return image_id if 0 < len(image_id) <= ID_MAX else None
    return None


def _objects_by_image() -> dict[str, list[StoredObject]]:
    found: dict[str, list[StoredObject]] = defaultdict(list)
    for kind in OBJECT_KINDS:
        for key, modified in storage.list_objects(storage.prefix(kind)):
            image_id = _image_id_of(key)
            if image_id:
                found[image_id].append(StoredObject(key, modified))
    return found


def _records() -> Iterator[ImageItem]:
    yield from ImageItem.scan()


def image_survey(*, stuck_after: timedelta = timedelta(minutes=15), progress=None) -> Survey:
    """Look at every record and every object; ``progress(step, done, total)`` is told."""
    survey = Survey()
    cutoff = now() - stuck_after
    # a direct upload may arrive until its POST expires; give it the same margin after that
    upload_cutoff = cutoff - timedelta(seconds=settings.GALLERY_UPLOAD_EXPIRES)
    for state in ATTENTION_STATES:
        for key_item in ImageItem.attention_index.query(state):
            if state == "deleting":
                survey.deleting.append(key_item.id)
            elif state == "awaiting_upload":
                if key_item.created_at < upload_cutoff:
                    survey.abandoned.append(key_item.id)
            elif state == "failed" or key_item.created_at < cutoff:
                survey.stuck.append(key_item.id)
    unsettled = set(survey.stuck) | set(survey.deleting) | set(survey.abandoned)
    if progress:
        progress("unsettled records", 1, 3)

    objects = _objects_by_image()
    if progress:
        progress("objects listed", 2, 3)
    recorded = set()
    for item in _records():
        recorded.add(item.id)
        if item.id in unsettled or item.status != "ready":
            continue
        keys = {o.key for o in objects.get(item.id, [])}
        if item.original_key not in keys:
            survey.missing_original.append(item.id)
        elif any(r.get("key") not in keys for r in renditions_of(item).values()):
            survey.missing_renditions.append(item.id)
        elif not item.short_code:
            survey.without_link.append((item.id, item.owner))
    for image_id, stored in objects.items():
        # Objects younger than the cutoff may belong to an upload whose record is being written.
        if image_id not in recorded and all(o.last_modified < cutoff for o in stored):
            survey.orphans[image_id] = sorted(o.key for o in stored)
    if progress:
        progress("records checked", 3, 3)
    return survey


def image_remove_orphans(*, image_id: str) -> int:
    """Delete the objects of an image that has no record (nothing refers to them)."""
    try:
        ImageItem.get(image_id, consistent_read=True)
        return 0  # a record appeared meanwhile: keep them
    except ImageItem.DoesNotExist:
        pass
    keys = [k for kind in OBJECT_KINDS for k in storage.list_keys(f"{storage.prefix(kind)}{image_id}/")]
    if keys:
        storage.delete_keys(keys)
    return len(keys)


def image_finish_deletion(*, image_id: str) -> None:
    remove_everything(image_id)
