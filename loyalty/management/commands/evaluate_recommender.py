"""Evaluate the recommenders against baselines on an orders CSV, offline."""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loyalty.recommendations.evaluation import (
    Report,
    next_order_evaluate,
    pairing_evaluate,
)
from loyalty.recommendations.offline import OrdersFileError, orders_read, params_with
from loyalty.recommendations.pairing import PairingParams
from loyalty.recommendations.ranking import RankerParams


class Command(BaseCommand):
    help = (
        "Hold out each customer's last order (customers with >= 3 orders) and "
        "print Recall@5, Recall@10, NDCG@10 and HitRate@5 of the ranker and "
        "baselines; with --pairing, hide one item of orders in the last 20 % "
        "of time and print HitRate@3 and MRR. Never touches the database."
    )
    # Offline by design: no system checks, which could reach the database.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orders", type=Path, required=True)
        parser.add_argument(
            "--pairing",
            action="store_true",
            help="Evaluate pairings on orders without customers "
            "(order_id,ordered_at,item_id).",
        )
        parser.add_argument(
            "--tune",
            action="store_true",
            help="Tune hyper-parameters on the validation split first "
            "(second-to-last orders; for pairings the slice before the test).",
        )
        parser.add_argument(
            "--param",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="Override a hyper-parameter (repeatable); the start of --tune.",
        )
        parser.add_argument("--min-orders", type=int, default=3)
        parser.add_argument(
            "--seed", type=int, default=0, help="Which item is hidden (pairing)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            orders = orders_read(
                path=Path(options["orders"]), with_customers=not options["pairing"]
            )
            self._say(f"read {orders.lines} lines")
            if options["pairing"]:
                report = pairing_evaluate(
                    baskets=orders.baskets,
                    params=params_with(PairingParams(), overrides=options["param"]),
                    tune=options["tune"],
                    say=self._say,
                    seed=options["seed"],
                )
            else:
                report = next_order_evaluate(
                    baskets=orders.baskets,
                    params=params_with(RankerParams(), overrides=options["param"]),
                    tune=options["tune"],
                    say=self._say,
                    min_orders=options["min_orders"],
                )
        except (OrdersFileError, OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        self._table(report)
        self._say(f"took {time.perf_counter() - started:.1f} s")

    def _table(self, report: Report) -> None:
        metrics = list(next(iter(report.rows.values())))
        width = max(len(name) for name in report.rows)
        self._say("")
        self._say(f"| {'model':<{width}} | " + " | ".join(metrics) + " |")
        self._say(f"|{'-' * (width + 2)}|" + "|".join("---:" for _ in metrics) + "|")
        for name, values in report.rows.items():
            cells = " | ".join(
                f"{values[metric]:.4f}".rjust(len(metric)) for metric in metrics
            )
            self._say(f"| {name:<{width}} | {cells} |")
        self._say(f"\nevaluated: {report.evaluated}")
        settings = ", ".join(f"{name}={value}" for name, value in report.chosen.items())
        self._say(f"settings: {settings}")

    def _say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
