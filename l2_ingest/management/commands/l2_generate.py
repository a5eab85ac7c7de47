from pathlib import Path

from django.core.management.base import BaseCommand

from l2_ingest.generator import write_export


class Command(BaseCommand):
    help = "Write a realistic, synthetic L2 export (tab-separated, Latin-1) for demos, tests and benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, required=True)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--ids-only", action="store_true", help="One LALVOTERID per line, with a header.")
        parser.add_argument("--gzip", action="store_true", help="Compress the file with gzip.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--states", default="OH", help="Comma-separated states, e.g. OH,NJ.")

    def handle(self, *args, rows, out, ids_only, gzip, seed, states, **options):
        out.parent.mkdir(parents=True, exist_ok=True)
        written = write_export(
            out, rows, seed=seed, ids_only=ids_only, compress=gzip, states=tuple(states.upper().split(","))
        )
        self.stdout.write(f"{written} voters written to {out} ({out.stat().st_size:,} bytes)")
