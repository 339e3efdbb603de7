"""At-risk regulars on the demo's six months: the members the seed made stop
coming are the ones the model flags, and managers and waiters can win them
back (their own restaurant's members only)."""

import datetime
import random
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from loyalty.models import LoyaltyProgram, MemberScore, Message
from loyalty.selectors import at_risk_members, points_balance
from loyalty.services.messages import win_back_send
from loyalty.services.regulars import scores_refit
from loyalty.services.setup import loyalty_demo_setup
from loyalty.tasks import PERIODIC, refit_customer_models
from ordering.demo.dishes import DemoMenu
from ordering.demo.history import SEED
from ordering.demo.people import CHURNED
from ordering.demo.seed import seed_demo
from ordering.demo.visits import visits_plan
from ordering.exceptions import PermissionDeniedError
from ordering.models import StaffMember, Table
from tests.factories import RestaurantFactory

pytestmark = pytest.mark.django_db

# A fixed end of history, as in tests/ordering/test_demo_seed.py: 14:00 in
# Helsinki on a Friday, outside quiet hours.
NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def demo():
    info = seed_demo(now=NOW)
    result = loyalty_demo_setup(restaurant_id=info.restaurant.pk, now=NOW)
    return info, result


def _churned_emails(restaurant) -> set[str]:
    """Replay the seed's plan to learn which members it made stop coming."""
    tables = list(
        Table.objects.filter(restaurant=restaurant, is_active=True)
        .select_related("area")
        .order_by("position", "id")
    )
    plan = visits_plan(
        random.Random(SEED),
        DemoMenu(restaurant=restaurant),
        tables=tables,
        now=NOW,
        tz=restaurant.tzinfo,
    )
    return {p.email for p in plan.profiles if p.kind == CHURNED}


def test_seeded_churners_are_the_at_risk_regulars(demo):
    # given
    info, result = demo
    churned = _churned_emails(info.restaurant)

    # when
    at_risk = {
        score.member.email
        for score in at_risk_members(restaurant_id=info.restaurant.pk)
    }

    # then: every one of the 30, and few others
    assert len(churned) == 30
    assert churned <= at_risk
    assert len(at_risk - churned) <= 5
    assert result.at_risk == len(at_risk)
    assert result.members == 199  # one recent member has not come yet
    assert MemberScore.objects.count() == 199


def test_scores_read_like_the_members_history(demo):
    # given
    info, _result = demo
    churned = _churned_emails(info.restaurant)

    # when
    scores = list(MemberScore.objects.select_related("member"))

    # then: churners stopped 5 to 12 weeks ago (their last visit up to one
    # cadence before that) and were steady before
    for score in scores:
        if score.member.email in churned:
            assert 36 <= score.days_since_last_visit <= 84 + 14
            assert 7.0 <= score.cadence_days <= 16.0
            assert score.repeat_visits >= 3
        assert 0.0 <= score.p_alive <= 1.0
        assert score.value_12_months_minor >= 0
    regulars_still_coming = [
        s for s in scores if s.member.email not in churned and s.cadence_days == 7.0
    ]
    assert sum(s.is_at_risk for s in regulars_still_coming) <= 2
    assert sum(s.p_alive > 0.9 for s in regulars_still_coming) >= 0.9 * len(
        regulars_still_coming
    )


def test_manager_reads_the_list_and_sends_a_win_back_offer(demo, sent):
    # given
    info, _result = demo
    manager = Client(HTTP_ACCEPT_LANGUAGE="en")
    manager.force_login(
        StaffMember.objects.get(restaurant=info.restaurant, role="manager").user
    )
    first = at_risk_members(restaurant_id=info.restaurant.pk).first()
    # The page sends at the real time of day: keep the quiet hours away from it.
    local = timezone.now().astimezone(info.restaurant.tzinfo)
    LoyaltyProgram.objects.filter(restaurant=info.restaurant).update(
        quiet_hours_start=(local + datetime.timedelta(hours=2)).time(),
        quiet_hours_end=(local + datetime.timedelta(hours=3)).time(),
    )

    # when
    page = manager.get("/loyalty/manage/regulars/")
    with sent():
        sent_page = manager.post(
            "/loyalty/manage/regulars/",
            {"restaurant": info.restaurant.slug, "win_back": str(first.member_id)},
        )

    # then
    text = page.content.decode()
    assert re.search(
        r"\w+ came (weekly|every two weeks); last visit \d+ weeks ago", text
    )
    message = Message.objects.get(member=first.member)
    assert message.kind == "win_back"
    if message.status == "sent":
        assert b"Win-back offer sent to" in sent_page.content
        assert points_balance(member_id=first.member_id) >= 200
        assert mail.outbox[0].to == [first.member.email]
    else:
        assert message.reason == "no_consent"
        assert b"Not sent to" in sent_page.content
        assert mail.outbox == []


def test_refit_is_a_periodic_background_job(demo):
    # given
    info, _result = demo
    MemberScore.objects.all().delete()

    # when
    result = refit_customer_models.enqueue()

    # then: the job refits as of the real clock, which runs past the
    # seeded history, so the churners are still (at least) at risk
    at_risk = MemberScore.objects.filter(is_at_risk=True).count()
    assert result.return_value == {str(info.restaurant.pk): at_risk}
    assert at_risk >= 30
    assert refit_customer_models in [task for task, _interval in PERIODIC]


def test_too_few_members_skips_the_fit(program, member, member_guest, place, menu):
    # given: one member with one visit
    place([(menu.soup, 1)], guest=member_guest)

    # when
    result = scores_refit(restaurant_id=program.restaurant_id)

    # then
    assert result.params is None
    assert result.skipped_because == "0 members came back; 20 are needed"
    assert MemberScore.objects.count() == 0


def test_refit_command_prints_the_fit(demo, capsys):
    # given
    info, _result = demo

    # when
    call_command("loyalty_refit", info.restaurant.slug)

    # then
    out = capsys.readouterr().out
    assert re.match(r"199 members scored, \d+ at risk \(BG/NBD r=", out)
    assert LoyaltyProgram.objects.count() == 1


@pytest.fixture
def anna_at_risk(program, member):
    """Anna came weekly and has not been seen for five weeks."""
    today = datetime.date(2026, 11, 20)
    MemberScore.objects.create(
        member=member,
        restaurant=program.restaurant,
        visit_days=8,
        repeat_visits=7,
        cadence_days=7.0,
        first_visit_on=today - datetime.timedelta(days=91),
        last_visit_on=today - datetime.timedelta(days=35),
        days_since_last_visit=35,
        p_alive=0.2,
        expected_visits_30_days=0.3,
        mean_spend_minor=3000,
        value_12_months_minor=20000,
        is_at_risk=True,
    )
    return member


def test_a_waiter_sees_the_regulars_and_sends_a_win_back(anna_at_risk, staff, sent):
    # given
    waiter = Client(HTTP_ACCEPT_LANGUAGE="en")
    waiter.force_login(staff("waiter"))

    # when
    page = waiter.get("/loyalty/manage/regulars/")
    with sent():
        sent_page = waiter.post(
            "/loyalty/manage/regulars/",
            {"restaurant": "testi", "win_back": str(anna_at_risk.pk)},
        )
    refit = waiter.post("/loyalty/manage/regulars/", {"refit": "1"})

    # then: the list and the offer, but not the managers' tools
    text = page.content.decode()
    assert "Anna came weekly; last visit 5 weeks ago" in text
    assert "Refit now" not in text
    assert sent_page.status_code == 200
    assert Message.objects.get(member=anna_at_risk).kind == "win_back"
    assert "Model refitted" not in refit.content.decode()


def test_win_back_only_for_members_of_ones_own_restaurant(anna_at_risk, staff, sent):
    # given: a manager elsewhere, and a kitchen cook here
    other = RestaurantFactory(slug="muu")
    LoyaltyProgram.objects.create(restaurant=other)
    outsider = Client(HTTP_ACCEPT_LANGUAGE="en")
    outsider.force_login(staff("manager", at=other))
    cook = staff("kitchen")

    # when
    response = outsider.post(
        "/loyalty/manage/regulars/",
        {"restaurant": "muu", "win_back": str(anna_at_risk.pk)},
    )
    nonsense = outsider.post(
        "/loyalty/manage/regulars/", {"restaurant": "muu", "win_back": "x"}
    )

    # then
    assert (response.status_code, nonsense.status_code) == (403, 403)
    with pytest.raises(PermissionDeniedError):
        win_back_send(member_id=anna_at_risk.pk, user=cook)
    assert not Message.objects.exists()
