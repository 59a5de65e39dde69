"""`manage.py repair`: find what failures left behind, across all owners, and fix it.

What is found (gallery.services.maintenance.image_survey) and what --apply does:
- images pending for too long, or failed: the pipeline runs again (same keys: idempotent);
  direct uploads stuck scanning or processing: brought forward from where they stopped;
- direct uploads never sent before their presigned POST expired: record and object removed;
- deletions that did not finish: finished;
- objects without a record (older than the cut-off, so no upload in flight is touched):
  removed;
- ready records whose original is gone: marked failed with the reason (the owner sees it);
  whose renditions are gone: the pipeline runs again;
- ready images without their default short link: the link is made.
A dry run (the default) only reports.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from gallery import services as gallery
from gallery.services import maintenance, uploads
from gallery.services.pipeline import mark_failed
from shortlinks import services as shortlinks

log = logging.getLogger(__name__)


@dataclass
class RepairReport:
    found: dict[str, int] = field(default_factory=dict)
    fixed: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)  # "<what> <image id>: <error>"

    @property
    def problems(self) -> int:
        return sum(self.found.values())


def repair(
    *, apply: bool = False, stuck_after: timedelta = timedelta(minutes=15), progress=None
) -> RepairReport:
    survey = maintenance.image_survey(stuck_after=stuck_after, progress=progress)
    report = RepairReport(
        found={
            "stuck or failed": len(survey.stuck),
            "abandoned uploads": len(survey.abandoned),
            "unfinished deletions": len(survey.deleting),
            "objects without a record": len(survey.orphans),
            "records without their original": len(survey.missing_original),
            "records without their renditions": len(survey.missing_renditions),
            "ready images without a short link": len(survey.without_link),
        }
    )
    if not apply:
        return report

    def attempt(what: str, image_id: str, action) -> None:
        try:
            action()
            report.fixed[what] = report.fixed.get(what, 0) + 1
        except Exception as exc:  # one image's failure must not stop the others
            log.warning(
                "repair failed", extra={"image_id": image_id, "what": what, "error": type(exc).__name__}
            )
            report.failed.append(f"{what} {image_id}: {type(exc).__name__}: {exc}"[:300])

    work = (
        [
            ("stuck or failed", i, lambda i=i: uploads.image_reprocess(image_id=i, source="repair"))
            for i in survey.stuck
        ]
        + [("abandoned uploads", i, lambda i=i: uploads.upload_abandon(image_id=i)) for i in survey.abandoned]
        + [
            ("unfinished deletions", i, lambda i=i: maintenance.image_finish_deletion(image_id=i))
            for i in survey.deleting
        ]
        + [
            ("objects without a record", i, lambda i=i: maintenance.image_remove_orphans(image_id=i))
            for i in survey.orphans
        ]
        + [
            ("records without their original", i, lambda i=i: mark_failed(i, "The original file is missing."))
            for i in survey.missing_original
        ]
        + [
            ("records without their renditions", i, lambda i=i: gallery.image_process(image_id=i, force=True))
            for i in survey.missing_renditions
        ]
        + [
            (
                "ready images without a short link",
                i,
                lambda i=i, o=o: shortlinks.shortlink_create_default(image_id=i, owner=o),
            )
            for i, o in survey.without_link
        ]
    )
    for done, (what, image_id, action) in enumerate(work, 1):
        attempt(what, image_id, action)
        if progress:
            progress("repairing", done, len(work))
    return report
