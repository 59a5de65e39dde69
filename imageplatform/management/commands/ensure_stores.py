from django.core.management.base import BaseCommand

from imageplatform.stores import stores_ensure


class Command(BaseCommand):
    help = "Create the media bucket and the DynamoDB tables if they are missing (idempotent)."

    def handle(self, *args, **options):
        for name, created in stores_ensure().items():
            self.stdout.write(f"{name}: {'created' if created else 'exists'}")
