import datetime
import random

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Max, Min, Model, Q, Sum

from loyalty.models import Identification, Member
from ordering.demo import menu
from ordering.demo.seed import seed_demo
from ordering.models import (
    Area,
    Guest,
    MenuCategory,
    MenuItem,
    Modifier,
    ModifierGroup,
    Order,
    OrderLine,
    OrderStatus,
    Restaurant,
    StaffMember,
    Table,
    TableSession,
    TableSessionStatus,
)
from ordering.pricing import price_line
from ordering.selectors import menu_items_for_pricing

# A fixed end of history, so every run of these tests sees the same visits.
NOW = datetime.datetime(2026, 11, 20, 16, 0, tzinfo=datetime.UTC)
LUNCH_TIME = datetime.time(12, 0)


def _row_counts() -> dict[str, int]:
    models: list[type[Model]] = [
        Restaurant,
        Area,
        Table,
        get_user_model(),
        StaffMember,
        MenuCategory,
        MenuItem,
        MenuItem.modifier_groups.through,
        ModifierGroup,
        Modifier,
        Member,
        TableSession,
        Guest,
        Identification,
        Order,
        OrderLine,
    ]
    return {model.__name__: model._default_manager.count() for model in models}


def test_seeding_twice_creates_nothing_new(db):
    # given
    first = seed_demo()
    counts = _row_counts()
    counter = Restaurant.objects.get(slug="saaristo").order_counter

    # when
    second = seed_demo()

    # then
    assert _row_counts() == counts
    assert Restaurant.objects.get(slug="saaristo").order_counter == counter
    assert second.history is None
    assert first.history is not None
    visits = first.history.member_visits + first.history.walk_in_visits
    assert counter == visits
    assert counts["Order"] == visits
    assert counts["OrderLine"] == first.history.lines
    assert counts["Restaurant"] == 1
    assert counts["Area"] == 2
    assert counts["Table"] == 12
    assert counts["StaffMember"] == 4
    assert counts["MenuCategory"] == len(menu.CATEGORIES)
    assert counts["MenuItem"] == len(menu.menu_items())
    assert counts["ModifierGroup"] == len(menu.MODIFIER_GROUPS)
    assert counts["Member"] == 200
    assert first.table.label == "7"
    assert first.table.area.name == "Sali"
    assert [login.username for login in first.staff] == [
        "admin",
        "manager",
        "waiter",
        "kitchen",
    ]


def test_staff_can_log_in_with_the_printed_passwords(db):
    # given
    info = seed_demo(now=NOW)
    user_model = get_user_model()

    # when
    checks = {
        login.username: user_model.objects.get(username=login.username).check_password(
            login.password
        )
        for login in info.staff
    }
    roles = dict(
        StaffMember.objects.filter(restaurant=info.restaurant).values_list(
            "user__username", "role"
        )
    )

    # then
    assert checks == {"admin": True, "manager": True, "waiter": True, "kitchen": True}
    assert roles == {
        "admin": "owner",
        "manager": "manager",
        "waiter": "waiter",
        "kitchen": "kitchen",
    }
    assert user_model.objects.get(username="admin").is_superuser is True
    assert user_model.objects.filter(is_superuser=True).count() == 1


def test_history_lines_match_what_pricing_returns(db):
    # given
    info = seed_demo(now=NOW)
    lines = list(OrderLine.objects.filter(order__restaurant=info.restaurant))
    sample = random.Random(7).sample(lines, 200)
    items = menu_items_for_pricing(
        restaurant_id=info.restaurant.pk,
        item_ids=sorted({line.menu_item_id for line in sample}),
    )

    # when
    priced = [
        price_line(
            items[line.menu_item_id],
            modifier_ids=[modifier["id"] for modifier in line.modifiers],
            quantity=line.quantity,
            local_time=LUNCH_TIME,
        )
        for line in sample
    ]

    # then
    def stored(line):
        return (
            line.menu_item_id,
            line.unit_price_minor,
            line.line_total_minor,
            line.vat_rate_bp,
            line.station,
            line.course,
            line.name,
            line.modifiers,
            line.allergens,
        )

    def fresh(p):
        return (
            p.menu_item_id,
            p.unit_price_minor,
            p.line_total_minor,
            p.vat_rate_bp,
            p.station,
            p.course,
            p.name,
            p.modifiers,
            p.allergens,
        )

    assert [stored(line) for line in sample] == [fresh(p) for p in priced]
    assert sum(1 for line in sample if line.modifiers) > 0
    assert all(line.added_by_id == line.order.guest_id for line in sample)


def test_every_order_total_is_the_sum_of_its_lines(db):
    # given
    info = seed_demo(now=NOW)

    # when
    orders = Order.objects.filter(restaurant=info.restaurant).annotate(
        lines_total=Sum("lines__line_total_minor"), line_count=Count("lines")
    )

    # then
    visits = info.history.member_visits + info.history.walk_in_visits
    assert orders.count() == visits
    assert orders.exclude(total_minor=F("lines_total")).count() == 0
    assert orders.filter(Q(line_count__lt=1) | Q(line_count__gt=5)).count() == 0
    assert orders.exclude(status=OrderStatus.SERVED).count() == 0
    assert orders.filter(version=1, placed_at__isnull=False).count() == visits
    numbers = sorted(orders.values_list("number", flat=True))
    assert numbers == list(range(1, visits + 1))
    assert TableSession.objects.exclude(status=TableSessionStatus.CLOSED).count() == 0
    assert TableSession.objects.filter(closed_at__gt=NOW).count() == 0
    walk_ins = Guest.objects.filter(identification__isnull=True).count()
    assert walk_ins == info.history.walk_in_visits == 650


def test_members_come_back_and_some_stopped_coming(db):
    # given
    info = seed_demo(now=NOW)
    five_weeks_ago = NOW - datetime.timedelta(weeks=5)

    # when
    members = Member.objects.filter(restaurant=info.restaurant).annotate(
        orders=Count("identifications__guest__orders"),
        first_visit=Min("identifications__guest__table_session__opened_at"),
        last_visit=Max("identifications__guest__table_session__opened_at"),
    )

    # then
    assert members.count() == 200
    assert 150 <= members.filter(orders__gte=3).count() <= 250
    assert members.filter(last_visit__lt=five_weeks_ago, orders__gte=4).count() >= 20
    assert members.filter(joined_at__gte=F("first_visit")).count() == 0
    joined_lately = members.filter(joined_at__gte=NOW - datetime.timedelta(days=30))
    assert 1 <= joined_lately.count() <= 20
    emails = list(members.values_list("email", flat=True))
    assert len(set(emails)) == 200
    assert all(email.endswith("@example.com") for email in emails)


def test_visits_keep_opening_hours_and_the_lunch_window(db):
    # given
    info = seed_demo(now=NOW)
    tz = info.restaurant.tzinfo

    # when
    sessions = TableSession.objects.filter(restaurant=info.restaurant)
    outside_hours = [
        s.pk
        for s in sessions
        if not (
            s.opened_at.astimezone(tz).time() >= menu.OPENS_AT
            and s.closed_at.astimezone(tz).time() < menu.CLOSES_AT
            and s.opened_at.astimezone(tz).date() == s.closed_at.astimezone(tz).date()
        )
    ]
    lunch_placed = [
        order.placed_at.astimezone(tz).time()
        for order in Order.objects.filter(
            restaurant=info.restaurant, lines__menu_item__category__name_fi="Lounas"
        ).distinct()
    ]

    # then
    assert sessions.count() == info.history.member_visits + 650
    assert outside_hours == []
    assert len(lunch_placed) > 0
    assert all(menu.LUNCH_FROM <= t < menu.LUNCH_UNTIL for t in lunch_placed)
    assert OrderLine.objects.filter(menu_item__is_available=False).count() == 0


def test_every_menu_item_speaks_finnish_swedish_and_english(db):
    # given
    info = seed_demo(now=NOW)

    # when
    items = MenuItem.objects.filter(restaurant=info.restaurant)
    missing = [
        item.name_fi
        for item in items
        if not all(
            getattr(item, f"{field}_{lang}")
            for field in ("name", "description")
            for lang in ("fi", "sv", "en")
        )
    ]

    # then
    assert items.count() == 45
    assert missing == []
    assert items.filter(is_available=False).count() == 2
