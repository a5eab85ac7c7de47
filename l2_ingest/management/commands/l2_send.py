import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from l2_ingest.sender import default_secret, send_universe


class Command(BaseCommand):
    help = "Sign and POST a members file exactly as L2 DataMapping would, and print the response."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--name", required=True, help="The universe name, e.g. IQM_123456_CustomSegment.")
        parser.add_argument("--url", default="http://127.0.0.1:8000/api/l2/v1/transmissions")
        parser.add_argument("--secret", default=default_secret(), help="whsec_… (default: $L2_SECRET).")
        parser.add_argument("--universe-id", default=None)
        parser.add_argument("--webhook-id", default=None, help="Default: a new id, so every send is new.")
        parser.add_argument("--username", default="demo@l2datamapping.example")
        parser.add_argument("--app-id", default="VM_OH")
        parser.add_argument("--date-created", default=None, help="e.g. 2026-10-02 09:14:55-0400")
        parser.add_argument("--cardinality", type=int, default=None)
        parser.add_argument("--chunked", action="store_true", help="Send without Content-Length.")

    def handle(self, *args, file: Path, **options):
        if not options["secret"]:
            raise CommandError(
                "Give the signing secret with --secret or $L2_SECRET (manage.py l2_secret create)."
            )
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        result = send_universe(
            options["url"],
            options["secret"],
            file,
            universe_name=options["name"],
            universe_id=options["universe_id"],
            webhook_id=options["webhook_id"],
            chunked=options["chunked"],
            username=options["username"],
            app_id=options["app_id"],
            date_created=options["date_created"],
            cardinality=options["cardinality"],
        )
        self.stdout.write(f"HTTP {result.status} in {result.seconds:.2f}s")
        self.stdout.write(json.dumps(result.body, indent=2, default=str))
        if result.status >= 400:
            raise CommandError(result.body.get("detail", "refused"))
