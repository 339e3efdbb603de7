from django.core.management.base import BaseCommand, CommandError

from loyalty.services.regulars import scores_refit
from loyalty.services.setup import loyalty_demo_setup
from ordering.selectors import restaurant_get


class Command(BaseCommand):
    help = (
        "Refit a restaurant's at-risk model now and print what it found "
        "(--demo also sets up the demo's programme and consents first)."
    )

    def add_arguments(self, parser):
        parser.add_argument("restaurant", help="the restaurant's slug")
        parser.add_argument(
            "--demo", action="store_true", help="set up the demo programme first"
        )

    def handle(self, *args, restaurant: str, demo: bool = False, **options):
        found = restaurant_get(slug=restaurant)
        if found is None:
            raise CommandError(f"no restaurant {restaurant!r}")
        result = (
            loyalty_demo_setup(restaurant_id=found.pk)
            if demo
            else scores_refit(restaurant_id=found.pk)
        )
        if result.params is None:
            self.stdout.write(f"not fitted: {result.skipped_because}")
            return
        params = result.params
        self.stdout.write(
            f"{result.members} members scored, {result.at_risk} at risk "
            f"(BG/NBD r={params.r:.3f} alpha={params.alpha:.3f} "
            f"a={params.a:.3f} b={params.b:.3f})"
        )
