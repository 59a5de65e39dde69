from django.core.management.base import BaseCommand, CommandError

from gallery.exceptions import GalleryError
from gallery.services import uploads


class Command(BaseCommand):
    help = (
        "Bring images forward from wherever they stopped: a direct upload that arrived but was "
        "not processed, a scan that failed, a pipeline that failed. The same calls as the first "
        "attempt, so running it twice (or with an event redelivered) converges. Ids made "
        "before 2026-11-28 may start with a dash: put the ids after '--'."
    )

    def add_arguments(self, parser):
        parser.add_argument("image_ids", nargs="+")

    def handle(self, *args, image_ids, **options):
        failed = 0
        for image_id in image_ids:
            try:
                image = uploads.image_reprocess(image_id=image_id)
            except GalleryError as exc:
                failed += 1
                self.stderr.write(f"{image_id}: {exc.detail}")
                continue
            if image is None:
                failed += 1
                self.stderr.write(f"{image_id}: no such image")
                continue
            reason = f" ({image.reason})" if image.reason else ""
            self.stdout.write(f"{image_id}: {image.status}{reason}")
        if failed:
            raise CommandError(f"{failed} of {len(image_ids)} could not be reprocessed")
