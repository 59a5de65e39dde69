from django.core.management.base import BaseCommand

from gallery.exceptions import GalleryError
from gallery.services import image_list, image_process


class Command(BaseCommand):
    help = (
        "Run the pipeline again for images (new rendition specs, repairs). "
        "Give image ids, or --owner USER_ID for all of an owner's images."
    )

    def add_arguments(self, parser):
        parser.add_argument("image_ids", nargs="*")
        parser.add_argument("--owner", help="process every image of this owner id")
        parser.add_argument("--force", action="store_true", help="also re-make ready images")

    def handle(self, *args, image_ids, owner, force, **options):
        ids = list(image_ids)
        if owner:
            cursor = None
            while True:
                page = image_list(owner=owner, cursor=cursor, limit=100)
                ids += [image.id for image in page.images]
                if not (cursor := page.next_cursor):
                    break
        done = failed = 0
        for image_id in ids:
            try:
                image = image_process(image_id=image_id, force=force)
            except GalleryError as exc:
                failed += 1
                self.stderr.write(f"{image_id}: {exc.detail}")
                continue
            done += 1
            self.stdout.write(f"{image_id}: {image.status}, {len(image.renditions)} renditions")
        self.stdout.write(f"{done} processed, {failed} failed")
