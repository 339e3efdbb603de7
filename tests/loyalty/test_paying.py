"""Loyalty through the real payment services: points for paid spend once per
payment, reversed on refund, the thank-you after commit, and a reward used
on the bill (reserved, taken off the payment, consumed or released)."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from loyalty.models import (
    Member,
    Message,
    PointsEntry,
    Reservation,
    ReservationStatus,
    Reward,
    RewardKind,
)
from loyalty.selectors import points_balance
from loyalty.services.feedback import feedback_submit
from loyalty.services.points import points_adjust
from loyalty.services.rewards import reservations_release_expired
from ordering.bills import bill_data
from ordering.models import Payment, Receipt
from ordering.payments import IntentState, gateway, gateway_reset
from ordering.services.payments import (
    CardDeclinedError,
    payment_record,
    payment_refund,
    payment_settle,
    payment_start,
    payments_expire,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_gateway():
    gateway_reset()
    yield
    gateway_reset()


def _succeed(payment: Payment) -> Payment:
    """What Stripe's webhook does once the bank says yes."""
    state = gateway().retrieve(intent_id=payment.stripe_payment_intent_id)
    return payment_settle(
        payment_id=payment.pk,
        state=IntentState(id=state.id, status="succeeded", card="visa •••• 4242"),
    )


def _ledger(member) -> list[tuple[str, str, int]]:
    return list(
        PointsEntry.objects.filter(member=member)
        .order_by("id")
        .values_list("kind", "key", "points")
    )


@pytest.fixture
def anna_at_table(member, join, identify, place, menu):
    """Anna's phone (identified, reads English); she had a steak and a beer,
    34.00 + 8.50. Its API token is in `.token`."""
    member.language = "en"
    member.save()
    guest, token = join()
    identify(guest, member)
    place(
        [(menu.steak, 1, [menu.medium.pk, menu.mash.pk]), (menu.beer, 1)], guest=guest
    )
    guest.token = token
    return guest


@pytest.fixture
def ten_off(program) -> Reward:
    return Reward.objects.create(
        program=program,
        kind=RewardKind.AMOUNT_OFF,
        name_fi="10 € alennus",
        name_en="10 € off",
        cost_points=500,
        amount_off_minor=1000,
    )


@pytest.fixture
def rich(member):
    points_adjust(member_id=member.pk, points=600, note="test", user=None, key="r")
    return member


# Earning and the thank-you


def test_card_payment_earns_once_and_thanks_the_member_after_commit(
    program, member, anna_at_table, capture_events
):
    # given
    payment, _intent = payment_start(guest=anna_at_table, split="mine", tip_bp=1000)

    # when: the webhook says yes, then says it again
    with capture_events() as sent:
        _succeed(payment)
        assert mail.outbox == []  # nothing leaves before the commit
    events = list(sent)
    with capture_events():
        _succeed(payment)

    # then: 42.50 € of food and drink at 10 points per euro; the tip earns nothing
    assert _ledger(member) == [("earn", f"payment:{payment.pk}", 425)]
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["anna@example.com"]
    assert email.body.startswith(
        "Thank you, Anna!\n\nWe hope you enjoyed your Beef tenderloin and Beer."
        "\n\nYour loyalty card now has 425 points."
    )
    assert "http://127.0.0.1:8000/loyalty/feedback/" in email.body
    pushed = [e for _g, e in events if e["event"] == "message.sent"]
    assert [(e["data"]["guest"], e["data"]["kind"]) for e in pushed] == [
        (anna_at_table.pk, "thank_you")
    ]
    assert pushed[0]["data"]["body"] == email.body
    assert Message.objects.count() == 1


def test_thank_you_shows_on_the_bill_page(program, anna_at_table, capture_events):
    # given
    payment, _intent = payment_start(guest=anna_at_table, split="mine")
    with capture_events():
        _succeed(payment)

    # when
    data = bill_data(table_session=anna_at_table.table_session, guest=anna_at_table)

    # then
    assert data["thank_you"]["subject"] == "Thank you for visiting Bistro Testi"
    assert "/loyalty/feedback/" in data["thank_you"]["url"]
    assert data["loyalty"]["balance"] == 425


def test_the_thank_you_leaves_the_bill_once_the_table_orders_again(
    program, anna_at_table, capture_events, place, menu
):
    # given: Anna paid and was thanked
    payment, _intent = payment_start(guest=anna_at_table, split="mine")
    with capture_events():
        _succeed(payment)
    # when: she orders another beer afterwards
    place([(menu.beer, 1)], guest=anna_at_table)
    # then: the old thank-you no longer shows on the bill she is about to pay
    data = bill_data(table_session=anna_at_table.table_session, guest=anna_at_table)
    assert data["thank_you"] is None


def test_open_complaint_still_gets_the_thank_you_but_no_offer(
    program, member, anna_at_table, capture_events
):
    # given: Anna complained during the visit
    feedback_submit(
        table_session_id=anna_at_table.table_session_id,
        guest=anna_at_table,
        member=member,
        rating=1,
        comment="Cold steak",
    )
    payment, _intent = payment_start(guest=anna_at_table, split="mine")

    # when
    with capture_events():
        _succeed(payment)

    # then: thanked (transactional), nothing promotional in it
    message = Message.objects.get(kind="thank_you")
    assert (message.status, message.is_marketing) == ("sent", False)
    assert message.data == {"url": message.data["url"]}
    assert not Message.objects.filter(is_marketing=True).exists()


def test_cash_at_the_till_credits_and_thanks_each_for_their_own_lines(
    program,
    member,
    make_member,
    identify,
    join,
    anna_at_table,
    place,
    menu,
    staff,
    capture_events,
):
    # given: Bob (a member too) had a soup; Carl (no member) a beer
    bob = make_member("Bob", language="en")
    bob_phone = join()[0]
    identify(bob_phone, bob)
    place([(menu.soup, 1)], guest=bob_phone)
    carl_phone = join()[0]
    place([(menu.beer, 1)], guest=carl_phone)

    # when: the waiter takes cash for the whole table
    with capture_events() as events:
        payment = payment_record(
            table_session_id=anna_at_table.table_session_id,
            method="cash",
            user=staff("waiter"),
            split="all",
        )

    # then: Anna 42.50 €, Bob 16.90 €, Carl nothing
    assert payment.amount_minor == 4250 + 1690 + 850
    assert _ledger(member) == [
        ("earn", f"payment:{payment.pk}:member:{member.pk}", 425)
    ]
    assert _ledger(bob) == [("earn", f"payment:{payment.pk}:member:{bob.pk}", 169)]
    # Each phone is thanked for its own items; members by email too.
    bodies = {email.to[0]: email.body for email in mail.outbox}
    assert sorted(bodies) == ["anna@example.com", "bob@example.com"]
    assert "your Beef tenderloin and Beer." in bodies["anna@example.com"]
    assert "your Salmon soup." in bodies["bob@example.com"]
    pushed = [e["data"]["guest"] for _g, e in events if e["event"] == "message.sent"]
    assert sorted(pushed) == sorted([anna_at_table.pk, bob_phone.pk, carl_phone.pk])


def test_refund_reverses_the_points_its_share_earned(
    program, member, anna_at_table, staff, capture_events
):
    # given: Anna paid cash through the waiter, then half came back
    with capture_events():
        payment = payment_record(
            table_session_id=anna_at_table.table_session_id,
            method="cash",
            user=staff("waiter"),
        )
    manager = staff("manager")

    # when
    first = payment_refund(
        payment_id=payment.pk, amount_minor=2125, reason="cold", user=manager
    )
    second = payment_refund(
        payment_id=payment.pk, amount_minor=2125, reason="cold", user=manager
    )

    # then: every point back, in two steps
    suffix = f":member:{member.pk}"
    assert _ledger(member) == [
        ("earn", f"payment:{payment.pk}{suffix}", 425),
        ("reverse", f"refund:{first.pk}{suffix}", -213),
        ("reverse", f"refund:{second.pk}{suffix}", -212),
    ]
    assert points_balance(member_id=member.pk) == 0


def test_a_card_refund_reverses_the_payers_points(
    program, member, anna_at_table, staff, capture_events
):
    # given
    payment, _intent = payment_start(
        guest=anna_at_table, split="mine", payment_method="pm_card_visa"
    )
    with capture_events():
        _succeed(payment)

    # when
    refund = payment_refund(
        payment_id=payment.pk, amount_minor=850, reason="no beer", user=staff("manager")
    )

    # then
    assert _ledger(member)[-1] == ("reverse", f"refund:{refund.pk}", -85)
    assert points_balance(member_id=member.pk) == 340


def test_a_guest_who_is_not_a_member_earns_nothing_and_is_thanked_on_the_phone(
    program, join, place, menu, capture_events
):
    # given
    guest = join()[0]
    place([(menu.soup, 1)], guest=guest)
    payment, _intent = payment_start(guest=guest, split="mine")

    # when
    with capture_events() as events:
        _succeed(payment)

    # then
    assert PointsEntry.objects.count() == 0
    assert mail.outbox == []
    assert [e["data"]["guest"] for _g, e in events if e["event"] == "message.sent"] == [
        guest.pk
    ]


# Redeeming at checkout


def test_member_uses_a_reward_on_the_bill_and_pays_less(
    rich, ten_off, anna_at_table, guest_client, capture_events
):
    # given: Anna's phone applies the reward
    client = guest_client(_token_of(anna_at_table))
    applied = client.post(f"/api/v1/loyalty/bill/rewards/{ten_off.pk}")
    bill = client.get("/api/v1/bill").json()

    # when: she pays her items by card with a 10 % tip
    payment, intent = payment_start(guest=anna_at_table, split="mine", tip_bp=1000)
    with capture_events():
        _succeed(payment)

    # then: the bill showed the reward; the card paid 42.50 - 10.00 + 4.25
    assert applied.status_code == 201
    assert applied.json()["applied"]["up_to_minor"] == 1000
    assert bill["loyalty"]["applied"]["name"] == "10 € alennus"
    assert bill["loyalty"]["balance"] == 100
    payment.refresh_from_db()
    assert (payment.amount_minor, payment.discount_minor, payment.tip_minor) == (
        4250,
        1000,
        425,
    )
    assert payment.total_minor == 3675
    assert gateway().intents[intent.id]["amount"] == 3675  # what the card is charged
    reservation = Reservation.objects.get()
    assert (reservation.status, reservation.payment_id) == ("consumed", payment.pk)
    # 600 - 500 spent + 32.50 € earned after the discount
    assert points_balance(member_id=rich.pk) == 100 + 325
    # The bill is settled in full: the discount paid for part of the lines.
    after = bill_data(table_session=anna_at_table.table_session, guest=anna_at_table)
    assert after["remaining_minor"] == 0
    assert after["loyalty"]["applied"] is None


def test_the_receipt_takes_the_discount_off_the_vat_base_pro_rata(
    rich, ten_off, anna_at_table, guest_client, capture_events
):
    # given: steak (34.00 at 14 %) and beer (8.50 at 25.5 %), 10 € off
    guest_client(_token_of(anna_at_table)).post(
        f"/api/v1/loyalty/bill/rewards/{ten_off.pk}"
    )
    payment, _intent = payment_start(guest=anna_at_table, split="mine")

    # when
    with capture_events():
        _succeed(payment)

    # then: 10.00 splits 8.00 / 2.00; VAT per rate on what was charged
    receipt = Receipt.objects.get(payment=payment).data
    assert receipt["subtotal_minor"] == 4250
    assert receipt["discount_minor"] == 1000
    assert receipt["total_minor"] == 3250
    assert [(row["rate_bp"], row["gross_minor"]) for row in receipt["vat"]] == [
        (1350, 2600),
        (2550, 650),
    ]
    assert sum(row["gross_minor"] for row in receipt["vat"]) == receipt["total_minor"]
    assert all(
        row["net_minor"] + row["vat_minor"] == row["gross_minor"]
        for row in receipt["vat"]
    )


def test_a_percent_reward_is_worked_out_on_what_the_payment_pays(
    program, rich, anna_at_table, place, menu, guest_client, capture_events
):
    # given: 15 % off; someone else's soup is on the bill too
    percent = Reward.objects.create(
        program=program,
        kind=RewardKind.PERCENT_OFF,
        name_en="15 % off",
        cost_points=300,
        percent_off=15,
    )
    place([(menu.soup, 1)])
    client = guest_client(_token_of(anna_at_table))
    held = client.post(f"/api/v1/loyalty/bill/rewards/{percent.pk}").json()

    # when: Anna pays only her own items
    payment, _intent = payment_start(guest=anna_at_table, split="mine")

    # then: 15 % of 42.50, not of the whole 59.40
    assert held["applied"]["percent_off"] == 15
    assert held["applied"]["up_to_minor"] == 891
    assert payment.discount_minor == 638
    assert Reservation.objects.get().discount_minor == 638


def test_a_declined_card_leaves_the_reward_for_the_next_try(
    rich, ten_off, anna_at_table, guest_client, capture_events
):
    # given
    guest_client(_token_of(anna_at_table)).post(
        f"/api/v1/loyalty/bill/rewards/{ten_off.pk}"
    )
    with pytest.raises(CardDeclinedError):
        payment_start(guest=anna_at_table, split="mine", payment_method="pm_card_0341")

    # when: another card
    payment, _intent = payment_start(guest=anna_at_table, split="mine")
    with capture_events():
        _succeed(payment)

    # then: one discount, one redemption
    payment.refresh_from_db()
    assert payment.discount_minor == 1000
    assert Reservation.objects.get().status == ReservationStatus.CONSUMED
    assert (
        Payment.objects.filter(discount_minor=1000).count() == 2
    )  # the failed one too
    assert points_balance(member_id=rich.pk) == 100 + 325


def test_an_abandoned_payment_lets_the_reward_go_back(
    program, rich, ten_off, anna_at_table, guest_client
):
    # given: a payment started and left
    guest_client(_token_of(anna_at_table)).post(
        f"/api/v1/loyalty/bill/rewards/{ten_off.pk}"
    )
    payment_start(guest=anna_at_table, split="mine")
    later = timezone.now() + datetime.timedelta(minutes=program.reservation_minutes + 1)

    # when: both background jobs run
    payments_expire(now=later)
    released = reservations_release_expired(now=later)

    # then
    assert released == 1
    assert Reservation.objects.get().status == ReservationStatus.RELEASED
    assert points_balance(member_id=rich.pk) == 600


def test_a_second_payment_while_the_first_is_under_way_gets_no_second_discount(
    rich, ten_off, anna_at_table, place, menu, guest_client
):
    # given: Anna's first payment holds the reward
    client = guest_client(_token_of(anna_at_table))
    client.post(f"/api/v1/loyalty/bill/rewards/{ten_off.pk}")
    first, _intent = payment_start(guest=anna_at_table, split="mine")
    place([(menu.soup, 1)], guest=anna_at_table)

    # when: she starts another for the soup, and tries to take the reward off
    second, _intent = payment_start(guest=anna_at_table, split="mine")
    removed = client.delete(f"/api/v1/loyalty/bill/rewards/{ten_off.pk}")

    # then
    assert (first.discount_minor, second.discount_minor) == (1000, 0)
    assert removed.status_code == 409
    assert removed.json()["code"] == "reservation_state"


def test_member_takes_the_reward_off_before_paying(
    rich, ten_off, anna_at_table, guest_client
):
    # given
    client = guest_client(_token_of(anna_at_table))
    client.post(f"/api/v1/loyalty/bill/rewards/{ten_off.pk}")

    # when
    removed = client.delete(f"/api/v1/loyalty/bill/rewards/{ten_off.pk}")
    payment, _intent = payment_start(guest=anna_at_table, split="mine")

    # then
    assert removed.status_code == 200
    assert removed.json()["applied"] is None
    assert payment.discount_minor == 0
    assert points_balance(member_id=rich.pk) == 600


def test_a_reward_leaves_a_card_payment_stripes_minimum(
    program, rich, anna_at_table, menu, guest_client
):
    # given: a free steak on a bill of a steak and a beer, paying the steak only
    free_steak = Reward.objects.create(
        program=program,
        kind=RewardKind.FREE_ITEM,
        name_en="A steak on us",
        cost_points=500,
        menu_item=menu.steak,
    )
    guest_client(_token_of(anna_at_table)).post(
        f"/api/v1/loyalty/bill/rewards/{free_steak.pk}"
    )
    steak_line = next(
        line
        for line in bill_data(table_session=anna_at_table.table_session)["lines"]
        if line["total_minor"] == 3400
    )

    # when
    payment, _intent = payment_start(
        guest=anna_at_table, split="lines", line_ids=[steak_line["id"]]
    )

    # then: 0.50 is still charged
    assert (payment.amount_minor, payment.discount_minor, payment.total_minor) == (
        3400,
        3350,
        50,
    )


def test_cash_for_the_whole_table_takes_the_held_reward(
    rich, ten_off, anna_at_table, guest_client, staff, capture_events
):
    # given
    guest_client(_token_of(anna_at_table)).post(
        f"/api/v1/loyalty/bill/rewards/{ten_off.pk}"
    )

    # when
    with capture_events():
        payment = payment_record(
            table_session_id=anna_at_table.table_session_id,
            method="cash",
            user=staff("waiter"),
        )

    # then
    assert (payment.discount_minor, payment.total_minor) == (1000, 3250)
    assert Reservation.objects.get().status == ReservationStatus.CONSUMED


@pytest.mark.parametrize(
    ("_case", "identified", "expected"),
    [
        ("phone where no member identified", False, 401),
        ("not enough points", True, 409),
    ],
)
def test_applying_a_reward_is_refused_clearly(
    _case,
    identified,
    expected,
    program,
    member,
    ten_off,
    join,
    identify,
    place,
    menu,
    guest_client,
):
    # given
    guest, token = join()
    if identified:
        identify(guest, member)
    place([(menu.soup, 1)], guest=guest)

    # when
    response = guest_client(token).post(f"/api/v1/loyalty/bill/rewards/{ten_off.pk}")

    # then
    assert response.status_code == expected
    assert response.json()["message"]
    assert Reservation.objects.count() == 0


def _token_of(guest) -> str:
    return guest.token


# The pages


@pytest.fixture
def browser_of(join):
    """A browser on the phone of `guest` (its session holds the token)."""
    from django.test import Client

    from ordering.guest_auth import SESSION_KEY

    def _browser(token: str) -> "Client":
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        session = client.session
        session[SESSION_KEY] = token
        session.save()
        return client

    return _browser


def test_the_bill_page_offers_the_members_rewards(
    rich, ten_off, anna_at_table, browser_of
):
    # when
    page = browser_of(anna_at_table.token).get("/table/bill/")

    # then: the rewards come with the bill's data; the words with the page
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="bill-reward"' in text
    assert "Use %(reward)s (%(points)s points)" in text
    boot = page.context["boot"]["bill"]["loyalty"]
    assert boot["applied"] is None
    assert [(r["name"], r["is_affordable"]) for r in boot["rewards"]] == [
        ("10 € off", True)
    ]


def test_join_right_after_paying_credits_the_visit(
    program, join, place, menu, browser_of, sent
):
    # given: a guest who is not a member pays, then opens the receipt
    guest, token = join()
    place([(menu.soup, 1)], guest=guest)
    payment, _intent = payment_start(guest=guest, split="mine")
    with sent():
        _succeed(payment)
    browser = browser_of(token)
    receipt = browser.get(f"/table/receipts/{payment.pk}/")
    join_url = re.search(
        r'href="([^"]+)">Join and collect points', receipt.content.decode()
    )

    # when: the two taps
    with sent():
        browser.post(join_url.group(1) + "join/code", {"address": "ann@example.com"})
    code = re.search(r"\d{6}", mail.outbox[-1].subject).group(0)
    browser.post(
        join_url.group(1) + "join/verify",
        {"address": "ann@example.com", "code": code},
    )

    # then: the soup's 16.90 € earned its points; the receipt no longer asks
    assert join_url.group(1) == "/loyalty/testi/"
    member = Member.objects.get(email="ann@example.com")
    assert _ledger(member) == [("earn", f"payment:{payment.pk}", 169)]
    again = browser.get(f"/table/receipts/{payment.pk}/")
    assert b"Join and collect points" not in again.content


def test_no_join_link_without_a_programme(join, place, menu, browser_of, sent):
    # given
    guest, token = join()
    place([(menu.soup, 1)], guest=guest)
    payment, _intent = payment_start(guest=guest, split="mine")
    with sent():
        _succeed(payment)

    # when
    receipt = browser_of(token).get(f"/table/receipts/{payment.pk}/")

    # then
    assert receipt.status_code == 200
    assert b"Join and collect points" not in receipt.content


def test_a_fault_in_loyalty_never_loses_the_payment(
    program, anna_at_table, staff, monkeypatch, caplog, sent
):
    # given: the ledger breaks
    def broken(**kwargs):
        raise RuntimeError("ledger down")

    monkeypatch.setattr("loyalty.receivers.points_earn_for_payment", broken)

    # when
    with sent():
        payment = payment_record(
            table_session_id=anna_at_table.table_session_id,
            method="cash",
            user=staff("waiter"),
        )

    # then: paid and receipted all the same, and the fault is in the log
    assert payment.status == "succeeded"
    assert Receipt.objects.filter(payment=payment).count() == 1
    assert PointsEntry.objects.count() == 0
    assert f"loyalty: payment {payment.pk} not credited" in caplog.text
