from django.core.management.base import BaseCommand

from catalog.demo import DEMO_PASSWORD, demo_data_load


class Command(BaseCommand):
    help = "Load demo sellers, buyers, parts and listings (idempotent)."

    def handle(self, *args, **options):
        logins = demo_data_load()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins (password for all):"))
        self.stdout.write(f"  password: {DEMO_PASSWORD}")
        for username, role in logins:
            self.stdout.write(f"  {username:<12} {role}")
        self.stdout.write("  API docs: http://127.0.0.1:8000/api/docs/  admin: /admin/ (platform)")
