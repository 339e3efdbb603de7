"""What a member sees and changes on their phone: the card with its balance,
the rewards catalogue and their visit streak, consents changed any time with
the wording recorded, a birthday that stays once saved, and the way in from
the menu."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from loyalty import consents
from loyalty.auth import cookie_name
from loyalty.models import (
    Consent,
    ConsentPurpose,
    Identification,
    LoyaltyProgram,
    MemberToken,
    Reward,
    RewardKind,
    Tier,
)
from loyalty.play import longest_week_streak, week_streak
from loyalty.services.members import consent_set
from loyalty.services.points import points_adjust
from ordering.guest_auth import SESSION_KEY
from ordering.models import TableSession, TableSessionStatus
from ordering.selectors import token_hash
from ordering.tokens import table_code_make
from tests.factories import TableFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)


def _days(*weeks_ago: int, weekday: int = 2) -> list[datetime.date]:
    return [
        MONDAY - datetime.timedelta(weeks=w) + datetime.timedelta(weekday)
        for w in weeks_ago
    ]


@pytest.mark.parametrize(
    ("_case", "days", "today", "streak"),
    [
        ("no visits", [], MONDAY, 0),
        ("this week only", _days(0), MONDAY + datetime.timedelta(3), 1),
        (
            "three weeks up to this one",
            _days(0, 1, 2),
            MONDAY + datetime.timedelta(3),
            3,
        ),
        # Monday before her usual Wednesday: last week's streak still counts
        ("up to last week, kept on Monday", _days(1, 2, 3), MONDAY, 3),
        ("a gap ends it", _days(0, 2, 3), MONDAY + datetime.timedelta(3), 1),
        ("two weeks gone", _days(2, 3, 4), MONDAY, 0),
        (
            "two visits in a week count once",
            _days(0, 0, 1),
            MONDAY + datetime.timedelta(3),
            2,
        ),
        ("a future date is ignored", _days(-1, 0), MONDAY + datetime.timedelta(3), 1),
    ],
)
def test_week_streak(_case, days, today, streak):
    assert week_streak(days, today=today) == streak


def test_longest_week_streak_finds_the_best_run():
    assert longest_week_streak(_days(10, 9, 8, 7, 3, 2)) == 4
    assert longest_week_streak([]) == 0


@pytest.fixture
def signed_in(program, member, join):
    """Anna's phone at table 7, signed in to her card (English)."""
    guest, guest_token = join()
    Identification.objects.create(guest=guest, member=member)
    MemberToken.objects.create(member=member, token_hash=token_hash("m" * 43))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[cookie_name(program.restaurant_id)] = "m" * 43
    session = client.session
    session[SESSION_KEY] = guest_token
    session.save()
    client.guest = guest
    return client


def _visit(guest, place, menu, *, weeks_ago: int):
    """A paid-for visit `weeks_ago` weeks back, its table since closed."""
    place([(menu.beer, 1)], guest=guest)
    opened = timezone.now() - datetime.timedelta(weeks=weeks_ago)
    TableSession.objects.filter(pk=guest.table_session_id).update(
        opened_at=opened, status=TableSessionStatus.CLOSED, closed_at=opened
    )


def test_card_shows_balance_catalogue_and_streak(
    program, member, signed_in, join, identify, place, menu
):
    # given: 300 points, three rewards (one for the gold tier), and visits
    # in each of the last three weeks
    gold = Tier.objects.create(
        program=program, name_fi="Kulta", name_en="Gold", min_points=5000
    )
    Reward.objects.create(
        program=program,
        kind=RewardKind.FREE_ITEM,
        name_fi="Olut",
        name_en="A free beer",
        cost_points=250,
        menu_item=menu.beer,
    )
    Reward.objects.create(
        program=program,
        kind=RewardKind.PERCENT_OFF,
        name_fi="-10 %",
        name_en="10 % off",
        cost_points=400,
        percent_off=10,
    )
    Reward.objects.create(
        program=program,
        kind=RewardKind.AMOUNT_OFF,
        name_fi="20 €",
        name_en="20 € off",
        cost_points=200,
        amount_off_minor=2000,
        min_tier=gold,
    )
    points_adjust(member_id=member.pk, points=300, note="", user=None, key="k")
    window = TableFactory(restaurant=program.restaurant, label="12")
    for weeks_ago in (3, 2, 1):
        guest = join(table_code_make(table_id=window.pk, version=window.qr_version))[0]
        identify(guest, member)
        _visit(guest, place, menu, weeks_ago=weeks_ago)
    place([(menu.soup, 1)], guest=signed_in.guest)

    # when
    page = signed_in.get("/loyalty/testi/")

    # then
    text = page.content.decode()
    assert page.status_code == 200
    assert '<strong id="balance">300</strong>' in text
    assert "4 visits" in text
    assert "4 weeks in a row" in text
    rewards = text[
        text.index('<ul class="rewards">') : text.index(
            "</ul>", text.index('<ul class="rewards">')
        )
    ]
    assert rewards.count('class="reward is-affordable"') == 1
    assert "A free beer" in rewards
    assert "10 % off" in rewards
    assert "for Gold" in rewards


def test_consents_change_any_time_and_each_answer_keeps_its_wording(
    program, member, signed_in
):
    # given: she said yes to offers when she joined
    consent_set(
        member=member,
        purpose="marketing",
        is_granted=True,
        source="join",
        language="en",
    )

    # when: she withdraws it in her settings, then gives it again
    withdrawn = signed_in.post("/loyalty/testi/settings/", {"personalisation": "1"})
    given = signed_in.post(
        "/loyalty/testi/settings/", {"marketing": "1", "personalisation": "1"}
    )

    # then: every answer is a row, with the time, source and words she read
    assert (withdrawn.status_code, given.status_code) == (200, 200)
    rows = list(
        Consent.objects.filter(purpose=ConsentPurpose.MARKETING).values_list(
            "is_granted", "source", "wording_version"
        )
    )
    version = consents.WORDINGS[ConsentPurpose.MARKETING].version
    assert rows == [
        (True, "join", version),
        (False, "settings", version),
        (True, "settings", version),
    ]
    latest = Consent.objects.filter(purpose=ConsentPurpose.MARKETING).last()
    assert latest.wording.startswith("Send me offers and news")
    assert latest.language == "en"
    assert latest.recorded_at is not None


def test_the_same_answer_to_reworded_question_is_recorded_again(
    program, member, monkeypatch
):
    # given
    consent_set(
        member=member,
        purpose="marketing",
        is_granted=True,
        source="join",
        language="en",
    )
    assert (
        consent_set(
            member=member,
            purpose="marketing",
            is_granted=True,
            source="settings",
            language="en",
        )
        is None
    )

    # when: the question gets new words and she says yes to them
    monkeypatch.setitem(
        consents.WORDINGS,
        ConsentPurpose.MARKETING,
        consents.Wording(version="2027-01-1", text="Offers by email, monthly."),
    )
    row = consent_set(
        member=member,
        purpose="marketing",
        is_granted=True,
        source="settings",
        language="en",
    )

    # then
    assert (row.wording_version, row.wording) == (
        "2027-01-1",
        "Offers by email, monthly.",
    )


def test_birthday_is_saved_once_on_the_settings_page(program, member, signed_in):
    # when
    first = signed_in.post("/loyalty/testi/settings/", {"birthday": "1990-05-17"})
    again = signed_in.post("/loyalty/testi/settings/", {"birthday": "1990-01-01"})
    page = signed_in.get("/loyalty/testi/settings/")

    # then
    member.refresh_from_db()
    assert member.birthday == datetime.date(1990, 5, 17)
    assert first.status_code == 200
    assert again.status_code == 400
    assert "Your birthday is already saved" in again.content.decode()
    text = page.content.decode()
    assert "saved; it cannot be changed" in text
    assert 'name="birthday"' not in text


def test_menu_links_to_the_card_only_with_a_programme(join, menu, restaurant):
    # given
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    session = client.session
    session[SESSION_KEY] = join()[1]
    session.save()

    # when
    without = client.get("/table/").content.decode()
    LoyaltyProgram.objects.create(restaurant=restaurant)
    with_programme = client.get("/table/").content.decode()

    # then
    assert 'id="loyalty-link"' not in without
    assert 'id="loyalty-link" href="/loyalty/testi/"' in with_programme
