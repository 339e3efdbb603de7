import time

from django.core.management.base import BaseCommand
from django.tasks import Task

from kitchen.tasks import PERIODIC as KITCHEN_JOBS
from loyalty.tasks import PERIODIC as LOYALTY_JOBS
from ordering.tasks import PERIODIC as ORDERING_JOBS

PERIODIC: list[tuple[Task, int]] = [*ORDERING_JOBS, *KITCHEN_JOBS, *LOYALTY_JOBS]


class Command(BaseCommand):
    help = (
        "Enqueue the recurring background jobs on their intervals (run one of "
        "these per deployment, next to `manage.py db_worker`)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Enqueue every job once and exit."
        )

    def handle(self, *args, once: bool = False, **options):
        due = {task.name: 0.0 for task, _ in PERIODIC}
        while True:
            now = time.monotonic()
            for task, interval in PERIODIC:
                if now >= due[task.name]:
                    task.enqueue()
                    due[task.name] = now + interval
                    self.stdout.write(f"enqueued {task.name}")
            if once:
                return
            time.sleep(max(1.0, min(due.values()) - time.monotonic()))
