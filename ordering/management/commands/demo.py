"""`manage.py demo`: migrate, seed the demo bistro, serve it, say where to look."""

import io
import os
import signal
import subprocess
import sys
import time

import segno
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from kitchen.processes import LocalStripe, port_is_free
from ordering.demo.seed import seed_demo
from ordering.tokens import table_code_make


class Command(BaseCommand):
    help = "Set up and run the Tableside demo on the embedded defaults."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-serve", action="store_true", help="Set up and seed, then exit."
        )

    def handle(self, *args, host: str, port: int, no_serve: bool, **options):
        if settings.SETTINGS_MODULE.endswith("production"):
            # The demo prints its staff passwords; never on a real deployment.
            raise CommandError("The demo does not run with production settings.")
        self.stdout.write("demo: applying database migrations…")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("demo: seeding Bistro Saaristo (skipped where it exists)…")
        info = seed_demo(stdout=self.stdout)
        self._loyalty(info.restaurant.pk)
        self.stdout.write("demo: collecting static files…")
        call_command("collectstatic", interactive=False, verbosity=0)
        base = f"http://{host}:{port}"
        self._announce(info, base)
        if not no_serve:
            self._serve(host, port)

    def _loyalty(self, restaurant_id: int) -> None:
        """The programme, the members' consents, at-risk scores and the
        waiters' suggestions, so every staff screen has something to show."""
        from loyalty.services.setup import loyalty_demo_setup
        from loyalty.suggestions_fit import suggestions_refit

        self.stdout.write("demo: loyalty programme, at-risk regulars, suggestions…")
        result = loyalty_demo_setup(restaurant_id=restaurant_id)
        fit = suggestions_refit(restaurant_id=restaurant_id)
        self.stdout.write(
            f"demo: {result.members} members scored, {result.at_risk} at risk; "
            f"suggestions for {fit.members} members from {fit.lines} order lines "
            f"in {fit.seconds} s"
        )

    def _announce(self, info, base: str) -> None:
        table = info.table
        link = (
            f"{base}/t/{table_code_make(table_id=table.pk, version=table.qr_version)}/"
        )
        qr = segno.make(link, error="m")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Guest menu for table {table.label}:"))
        self.stdout.write(f"  {link}")
        drawing = io.StringIO()
        qr.terminal(out=drawing, compact=True)
        self.stdout.write(drawing.getvalue(), ending="")
        self.stdout.write(self.style.SUCCESS("Staff and admin:"))
        self.stdout.write(f"  kitchen    {base}/kitchen/  (sign in as kitchen)")
        self.stdout.write(f"  floor      {base}/kitchen/floor/  (a waiter's tablet)")
        self.stdout.write(f"  screens    {base}/kitchen/screens/  (pair a tablet)")
        self.stdout.write(f"  office     {base}/manage/  (back office, as manager)")
        self.stdout.write(f"  payments   {base}/staff/payments/  (refunds, as manager)")
        self.stdout.write(f"  feedback   {base}/loyalty/manage/feedback/  (as manager)")
        self.stdout.write(f"  regulars   {base}/loyalty/manage/regulars/  (at-risk)")
        self.stdout.write(f"  admin      {base}/admin/")
        self.stdout.write(f"  API docs   {base}/api/docs/")
        for login in info.staff:
            self.stdout.write(
                f"  {login.role:<10} user {login.username:<8} password {login.password}"
            )
        self.stdout.write("")

    def _serve(self, host: str, port: int) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "DJANGO_SETTINGS_MODULE", "config.settings.dev"
            ),
        }
        # The demo shows the product as it runs in production: no debug pages,
        # compressed and cached static files.
        env.setdefault("DEBUG", "false")
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        stripe = self._local_stripe(env, base=f"http://{host}:{port}")
        children = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "daphne",
                    "-b",
                    host,
                    "-p",
                    str(port),
                    "config.asgi:application",
                ],
                env=env,
            ),
            subprocess.Popen([*manage, "db_worker", "--no-startup-delay"], env=env),
            subprocess.Popen(
                [*manage, "run_periodic"], env=env, stdout=subprocess.DEVNULL
            ),
        ]
        if stripe is not None and stripe.process is not None:
            children.append(stripe.process)
        self.stdout.write(f"demo: serving on http://{host}:{port} (Ctrl-C stops)")
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
            self.stderr.write("demo: a server process stopped; shutting down the rest.")
        except KeyboardInterrupt:
            self.stdout.write("\ndemo: stopping…")
        finally:
            _stop(children)

    def _local_stripe(self, env: dict, *, base: str) -> LocalStripe | None:
        """Without Stripe keys, start localstripe and point the servers at it,
        so that paying by card works in the demo with test cards."""
        if env.get("STRIPE_SECRET_KEY"):
            self.stdout.write("demo: paying through Stripe with the keys given.")
            return None
        stripe = LocalStripe(port=8420 if port_is_free(8420) else None).start()
        env.update(
            STRIPE_SECRET_KEY="sk_test_tableside_demo",
            STRIPE_PUBLISHABLE_KEY="pk_test_tableside_demo",
            STRIPE_WEBHOOK_SECRET="whsec_tableside_demo",
            STRIPE_API_BASE=stripe.url,
        )
        stripe.register_webhook(
            url=f"{base}/api/v1/payments/stripe/webhook",
            secret=env["STRIPE_WEBHOOK_SECRET"],
        )
        self.stdout.write(
            f"demo: card payments go to localstripe at {stripe.url} "
            "(test card 4242 4242 4242 4242; 4000 0027 6000 3184 asks for 3-D Secure)."
        )
        return stripe


def _stop(children: list[subprocess.Popen]) -> None:
    """Stop children: TERM, then KILL after 5 s (Daphne may hang on TERM)."""
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 5
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
