"""Rank next-order suggestions from an orders CSV, without a database."""

import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loyalty.recommendations.offline import (
    OrdersFileError,
    customers_read,
    orders_read,
    params_with,
    predictions_write,
    recommend,
    times_parse,
)
from loyalty.recommendations.ranking import RankerParams
from loyalty.recommendations.synthetic import synthetic_orders_write


class Command(BaseCommand):
    help = (
        "Write the top-k items for each listed customer from an orders CSV "
        "(customer_id,order_id,ordered_at,item_id) to a CSV of "
        "customer_id,rank,item_id. Never touches the database."
    )
    # Offline by design: no system checks, which could reach the database.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orders", type=Path, help="Training orders CSV.")
        parser.add_argument(
            "--customers",
            type=Path,
            help="Customer ids, one a line; an optional second field "
            "(ISO time or days) is when that customer's visit happens.",
        )
        parser.add_argument("--k", type=int, default=10)
        parser.add_argument("--out", type=Path, help="Where to write predictions.")
        parser.add_argument(
            "--now",
            help="When the visits happen (ISO time or days); default: one day "
            "after the latest order.",
        )
        parser.add_argument(
            "--current-days",
            type=float,
            default=0.0,
            help="Only items sold in this many days before the latest order "
            "are on the menu; fans of the others get their nearest current "
            "item. 0 (default): every item.",
        )
        parser.add_argument(
            "--param",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="Override a ranker hyper-parameter (repeatable).",
        )
        parser.add_argument(
            "--benchmark",
            type=int,
            metavar="LINES",
            help="Time the whole run on a synthetic restaurant of LINES order "
            "lines (all its customers ranked) instead of --orders.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            params = params_with(RankerParams(), overrides=options["param"])
            now = times_parse([options["now"]])[0] if options["now"] else None
        except ValueError as error:
            raise CommandError(str(error)) from error
        if options["benchmark"]:
            self._benchmark(lines=options["benchmark"], k=options["k"], params=params)
            return
        for name in ("orders", "customers", "out"):
            if options[name] is None:
                raise CommandError(f"--{name} is required (or use --benchmark)")
        self._run(
            orders_path=Path(options["orders"]),
            customers_path=Path(options["customers"]),
            out=Path(options["out"]),
            k=options["k"],
            now=None if now is None else float(now),
            current_days=options["current_days"],
            params=params,
        )

    def _run(
        self,
        *,
        orders_path: Path,
        customers_path: Path,
        out: Path,
        k: int,
        now: float | None,
        current_days: float,
        params: RankerParams,
    ) -> float:
        started = time.perf_counter()
        try:
            orders = orders_read(path=orders_path)
            customers, times = customers_read(path=customers_path)
        except (OrdersFileError, OSError) as error:
            raise CommandError(str(error)) from error
        self._say(
            f"read {orders.lines} lines, {len(orders.customer_names)} customers "
            f"in {time.perf_counter() - started:.1f} s"
        )
        ranked = recommend(
            orders=orders,
            customers=customers,
            times=times,
            now=now,
            k=k,
            params=params,
            current_days=current_days,
            say=self._say,
        )
        written = predictions_write(path=out, rows=ranked)
        elapsed = time.perf_counter() - started
        self._say(f"wrote {written} predictions to {out} in {elapsed:.1f} s")
        return elapsed

    def _benchmark(self, *, lines: int, k: int, params: RankerParams) -> None:
        with tempfile.TemporaryDirectory() as folder:
            orders, ids = Path(folder, "orders.csv"), Path(folder, "ids.txt")
            started = time.perf_counter()
            customers = synthetic_orders_write(path=orders, lines=lines, ids_path=ids)
            self._say(
                f"generated {lines} lines, {customers} customers in "
                f"{time.perf_counter() - started:.1f} s"
            )
            elapsed = self._run(
                orders_path=orders,
                customers_path=ids,
                out=Path(folder, "predictions.csv"),
                k=k,
                now=None,
                current_days=30.0,
                params=params,
            )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self._say(
            f"benchmark: {lines} lines, {customers} customers ranked, k={k}: "
            f"{elapsed:.1f} s, peak memory {peak:.0f} MiB"
        )

    def _say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
