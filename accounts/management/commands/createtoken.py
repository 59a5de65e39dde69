from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.services import token_create


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (the last line of output)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="created with manage.py createtoken")

    def handle(self, *args, username, name, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        new = token_create(user=user, name=name)
        self.stderr.write(f"Token for {username} (use as 'Authorization: Bearer <token>'):")
        self.stdout.write(new.token)
