import sys
from datetime import timedelta

from django.core.management.base import BaseCommand

from imageplatform.repair import repair


class Command(BaseCommand):
    help = (
        "Find leftovers of failures across all owners (stuck or failed images, unfinished "
        "deletions, objects without records, records without objects, images without their "
        "short link). Dry run by default; --apply fixes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="fix what is found (default: only report)")
        parser.add_argument(
            "--stuck-after",
            type=int,
            default=15,
            metavar="MINUTES",
            help="a pending image or an object without a record counts as left over after this long (default 15)",
        )

    def _progress(self, step: str, done: int, total: int) -> None:
        if total <= 0:
            return
        width = 30
        filled = width * done // total
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if done >= total else "\r"
        print(f"  [{bar}] {done}/{total} {step}", end=end, file=sys.stderr, flush=True)

    def handle(self, *args, apply=False, stuck_after=15, **options):
        report = repair(apply=apply, stuck_after=timedelta(minutes=stuck_after), progress=self._progress)
        self.stdout.write("found:")
        for what, count in report.found.items():
            fixed = f", fixed {report.fixed.get(what, 0)}" if apply else ""
            self.stdout.write(f"  {what}: {count}{fixed}")
        for line in report.failed:
            self.stderr.write(f"  could not repair: {line}")
        if not apply:
            verdict = "nothing to repair" if not report.problems else "dry run: run with --apply to fix them"
        else:
            verdict = "all repaired" if not report.failed else f"{len(report.failed)} could not be repaired"
        self.stdout.write(f"repair: {report.problems} problem(s) found; {verdict}")
        if apply and report.failed:
            sys.exit(1)
