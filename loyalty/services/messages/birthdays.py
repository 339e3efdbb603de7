"""Birthday greetings, with their bonus points, for members with a birthday today."""

import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from loyalty.models import EntrySource, LoyaltyProgram, Member, MessageKind
from loyalty.services.messages.gate import message_send
from loyalty.services.points import points_grant
from ordering.models import Restaurant


def birthdays_celebrate(*, now: datetime.datetime | None = None) -> int:
    """Give members their birthday gift on their birthday; return how many.

    The gift is points (credited whatever the member's marketing answer);
    the greeting is marketing and passes the gate. A birthday saved less
    than 30 days before earns from the next year on, so typing today's date
    earns nothing. Runs hourly; keys make each year's gift once.
    """
    now = now or timezone.now()
    celebrated = 0
    for program in LoyaltyProgram.objects.filter(is_active=True).select_related(
        "restaurant"
    ):
        restaurant: Restaurant = program.restaurant
        today = timezone.localdate(now, restaurant.tzinfo)
        days = [today]
        if today.month == 2 and today.day == 28:
            try:
                today.replace(day=29)
            except ValueError:  # a common year: 29 February birthdays today
                days.append(datetime.date(2000, 2, 29))
        members = Member.objects.filter(
            restaurant=restaurant,
            erased_at__isnull=True,
            birthday__isnull=False,
            birthday_set_at__lte=now - datetime.timedelta(days=30),
        )
        for member in members:
            assert member.birthday is not None
            if (member.birthday.month, member.birthday.day) not in {
                (day.month, day.day) for day in days
            }:
                continue
            key = f"birthday:{member.pk}:{today.year}"
            granted = points_grant(
                member_id=member.pk,
                points=program.birthday_points,
                source=EntrySource.BIRTHDAY,
                key=key,
            )
            if not granted:
                continue
            celebrated += 1
            with translation.override(member.language or restaurant.default_language):
                subject = _("Happy birthday, %(name)s!") % {"name": member.first_name}
                body = _(
                    "Happy birthday from %(restaurant)s! We have added %(points)d "
                    "points to your loyalty card. Come and celebrate with us."
                ) % {"restaurant": restaurant.name, "points": program.birthday_points}
            message_send(
                restaurant_id=restaurant.pk,
                kind=MessageKind.BIRTHDAY,
                subject=subject,
                body=body,
                key=key,
                member=member,
                now=now,
            )
    return celebrated
