"""Starting a restaurant's programme with sensible tiers and rewards, and the
demo's members' consents."""

import datetime

from django.db import transaction
from django.utils import timezone

from loyalty.models import (
    ConsentPurpose,
    LoyaltyProgram,
    Member,
    Reward,
    RewardKind,
    Tier,
)
from loyalty.services.members import consent_set
from loyalty.services.regulars import RefitResult, scores_refit
from ordering.models import MenuItem

# (names fi/sv/en, perks fi/sv/en, points in a year, earning percent)
TIERS = (
    (("Jäsen", "Medlem", "Member"), ("", "", ""), 0, 100),
    (
        ("Hopea", "Silver", "Silver"),
        ("10 % lisää pisteitä", "10 % fler poäng", "10 % more points"),
        1500,
        110,
    ),
    (
        ("Kulta", "Guld", "Gold"),
        (
            "25 % lisää pisteitä ja kultaedut",
            "25 % fler poäng och guldförmåner",
            "25 % more points and Gold rewards",
        ),
        4000,
        125,
    ),
)


def _texts(field: str, values: tuple[str, str, str]) -> dict[str, str]:
    return dict(zip((f"{field}_fi", f"{field}_sv", f"{field}_en"), values, strict=True))


@transaction.atomic
def program_start(*, restaurant_id: int, coffee_name_fi: str = "") -> LoyaltyProgram:
    """Give a restaurant a programme with three tiers and a small catalogue;
    leave an existing programme as it is."""
    program, created = LoyaltyProgram.objects.get_or_create(restaurant_id=restaurant_id)
    if not created:
        return program
    tiers = [
        Tier.objects.create(
            program=program,
            **_texts("name", names),
            **_texts("perks", perks),
            min_points=min_points,
            points_multiplier_percent=percent,
        )
        for names, perks, min_points, percent in TIERS
    ]
    coffee = (
        MenuItem.objects.filter(restaurant_id=restaurant_id, name_fi=coffee_name_fi)
        .order_by("pk")
        .first()
        if coffee_name_fi
        else None
    )
    if coffee is not None:
        Reward.objects.create(
            program=program,
            kind=RewardKind.FREE_ITEM,
            **_texts(
                "name", ("Kahvi talon piikkiin", "Kaffe på huset", "Coffee on us")
            ),
            cost_points=300,
            menu_item=coffee,
            position=0,
        )
    Reward.objects.create(
        program=program,
        kind=RewardKind.AMOUNT_OFF,
        **_texts("name", ("10 € alennus", "10 € rabatt", "10 € off")),
        cost_points=1000,
        amount_off_minor=1000,
        position=1,
    )
    Reward.objects.create(
        program=program,
        kind=RewardKind.PERCENT_OFF,
        **_texts("name", ("15 % koko laskusta", "15 % av notan", "15 % off the bill")),
        cost_points=1500,
        percent_off=15,
        min_tier=tiers[-1],
        position=2,
    )
    return program


def demo_consents(*, restaurant_id: int) -> int:
    """Record the demo members' answers: seven in ten say yes to offers and
    half to personal suggestions, decided by member id so it is repeatable.
    Return how many answers were recorded."""
    recorded = 0
    for member in Member.objects.filter(
        restaurant_id=restaurant_id, erased_at__isnull=True
    ).order_by("pk"):
        answers = {
            ConsentPurpose.MARKETING: member.pk % 10 < 7,
            ConsentPurpose.PERSONALISATION: member.pk % 10 < 5,
        }
        for purpose, granted in answers.items():
            if consent_set(
                member=member,
                purpose=purpose,
                is_granted=granted,
                source="demo",
                language=member.language or "fi",
            ):
                recorded += 1
    return recorded


def loyalty_demo_setup(
    *, restaurant_id: int, now: datetime.datetime | None = None
) -> RefitResult:
    """Set up the demo restaurant's programme, its members' consents and the
    at-risk scores. Safe to run again. For `ordering.demo.seed`."""
    program_start(restaurant_id=restaurant_id, coffee_name_fi="Suodatinkahvi")
    demo_consents(restaurant_id=restaurant_id)
    return scores_refit(restaurant_id=restaurant_id, now=now or timezone.now())
