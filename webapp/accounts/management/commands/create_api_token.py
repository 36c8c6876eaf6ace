"""Prints a new API token for a user (creating the user when --password is given): the way to
bootstrap automation on a fresh deployment."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from webapp.accounts.models import User
from webapp.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="A label for the token.")
        parser.add_argument("--password", help="Create the user with this password if it does not exist.")

    def handle(self, username, name, password, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            if not password:
                raise CommandError(f"There is no user '{username}': pass --password to create one.")
            user = User.objects.create_user(username=username, password=password)
        _, plain = api_token_create(user=user, name=name)
        self.stdout.write(plain)
