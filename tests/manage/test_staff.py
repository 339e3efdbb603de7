"""Staff in the back office: roles, letting someone go, and invitations by
email that work once, expire, and give only roles the inviter may give."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from ordering.exceptions import DomainError, PermissionDeniedError
from ordering.models import StaffInvitation, StaffMember
from ordering.selectors import staff_roles, token_hash
from ordering.services.invitations import (
    InvitationInvalidError,
    invitation_accept,
    invitation_create,
)
from ordering.services.team import staff_member_active_set, staff_member_role_set
from tests.factories import RestaurantFactory, StaffFactory

URL = "/manage/staff/"


def _client(user=None) -> Client:
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


def _invite(client, restaurant, email="uusi@example.com", role="waiter"):
    return client.post(
        f"{URL}?restaurant={restaurant.slug}",
        {"action": "invite", "email": email, "role": role},
        follow=True,
    )


def _link_token(message) -> str:
    found = re.search(r"/manage/invite/([A-Za-z0-9_-]+)/", message.body)
    assert found, message.body
    return found.group(1)


def test_the_page_lists_this_restaurants_staff_only(staff, restaurant):
    # given
    waiter = staff("waiter")
    outsider = StaffFactory(restaurant=RestaurantFactory()).user
    # when
    page = _client(staff("owner")).get(URL)
    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert waiter.username in html
    assert outsider.username not in html


def test_inviting_emails_a_link_and_keeps_only_its_hash(
    staff, restaurant, django_capture_on_commit_callbacks
):
    # given
    client = _client(staff("manager"))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        page = _invite(client, restaurant, email="Aino@example.com ")
    # then
    assert "Invitation sent to Aino@example.com as Waiter." in page.content.decode()
    invitation = StaffInvitation.objects.get()
    assert (invitation.email, invitation.role) == ("Aino@example.com", "waiter")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Aino@example.com"]
    assert message.subject == "You are invited to join Bistro Testi"
    token = _link_token(message)
    assert invitation.token_hash == token_hash(token)
    assert token not in invitation.token_hash
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=7)


def test_a_newcomer_accepts_sets_a_password_and_lands_on_the_floor(
    staff, restaurant, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        _invite(_client(staff("manager")), restaurant)
    url = f"/manage/invite/{_link_token(mail.outbox[0])}/"
    guest = _client()
    # when
    shown = guest.get(url)
    done = guest.post(
        url, {"username": "aino", "password": "kesä-pöytä-42", "first_name": "Aino"}
    )
    # then
    assert "You are invited as Waiter (uusi@example.com)." in shown.content.decode()
    assert done.status_code == 302
    assert done["Location"] == "/kitchen/floor/"
    user = get_user_model().objects.get(username="aino")
    assert user.check_password("kesä-pöytä-42")
    assert (user.email, user.first_name) == ("uusi@example.com", "Aino")
    assert staff_roles(user=user, restaurant_id=restaurant.pk) == {"waiter"}
    assert guest.get("/kitchen/floor/").status_code == 200


def test_the_link_works_once(staff, restaurant):
    # given
    invitation, token = invitation_create(
        restaurant_id=restaurant.pk,
        email="a@example.com",
        role="kitchen",
        user=staff("owner"),
    )
    invitation_accept(token=token, username="eka", password="kesä-pöytä-42")
    # when
    page = _client().post(
        f"/manage/invite/{token}/", {"username": "toka", "password": "kesä-pöytä-42"}
    )
    # then
    assert page.status_code == 410
    assert "does not work any more" in page.content.decode()
    assert not get_user_model().objects.filter(username="toka").exists()
    with pytest.raises(InvitationInvalidError):
        invitation_accept(token=token, username="kolmas", password="kesä-pöytä-42")
    invitation.refresh_from_db()
    assert invitation.accepted_by.username == "eka"


@pytest.mark.parametrize(
    ("_case", "change"),
    [
        ("expired", {"expires_at": timezone.now() - datetime.timedelta(seconds=1)}),
        ("withdrawn", {"revoked_at": timezone.now()}),
    ],
)
def test_an_expired_or_withdrawn_link_gives_nothing(staff, restaurant, _case, change):
    # given
    invitation, token = invitation_create(
        restaurant_id=restaurant.pk,
        email="a@example.com",
        role="waiter",
        user=staff("owner"),
    )
    StaffInvitation.objects.filter(pk=invitation.pk).update(**change)
    users = get_user_model().objects.count()
    # when
    page = _client().get(f"/manage/invite/{token}/")
    # then
    assert page.status_code == 410
    with pytest.raises(InvitationInvalidError):
        invitation_accept(token=token, username="x", password="kesä-pöytä-42")
    assert get_user_model().objects.count() == users
    assert StaffMember.objects.filter(restaurant=restaurant, role="waiter").count() == 0


def test_an_unknown_link_is_gone(db):
    page = _client().get("/manage/invite/not-a-real-token/")
    assert page.status_code == 410


def test_someone_signed_in_adds_the_role_to_their_account(staff, restaurant):
    # given: a cook elsewhere is invited to manage here
    elsewhere = RestaurantFactory()
    cook = staff("kitchen", at=elsewhere)
    _invitation, token = invitation_create(
        restaurant_id=restaurant.pk,
        email="c@example.com",
        role="manager",
        user=staff("owner"),
    )
    # when
    done = _client(cook).post(f"/manage/invite/{token}/", {"use": "me"})
    # then
    assert done.status_code == 302
    assert done["Location"] == f"/manage/?restaurant={restaurant.slug}"
    assert staff_roles(user=cook, restaurant_id=restaurant.pk) == {"manager"}
    assert staff_roles(user=cook, restaurant_id=elsewhere.pk) == {"kitchen"}


def test_an_existing_colleague_cannot_change_their_own_role_by_invitation(
    staff, restaurant
):
    # given: a waiter here gets hold of a manager invitation
    waiter = staff("waiter")
    _invitation, token = invitation_create(
        restaurant_id=restaurant.pk,
        email="w@example.com",
        role="manager",
        user=staff("owner"),
    )
    # when
    with pytest.raises(DomainError, match="You already work at Bistro Testi as Waiter"):
        invitation_accept(token=token, user=waiter)
    # then
    assert staff_roles(user=waiter, restaurant_id=restaurant.pk) == {"waiter"}


def test_a_weak_password_or_taken_username_is_explained(staff, restaurant):
    # given
    taken = staff("waiter").username
    _invitation, token = invitation_create(
        restaurant_id=restaurant.pk,
        email="a@example.com",
        role="waiter",
        user=staff("owner"),
    )
    client = _client()
    # when
    weak = client.post(
        f"/manage/invite/{token}/", {"username": "uusi", "password": "123"}
    )
    dup = client.post(
        f"/manage/invite/{token}/", {"username": taken, "password": "kesä-pöytä-42"}
    )
    # then
    assert weak.status_code == 200
    assert "This password is too short" in weak.content.decode()
    assert "already exists" in dup.content.decode()
    assert not get_user_model().objects.filter(username="uusi").exists()
    assert StaffInvitation.objects.get().accepted_at is None


@pytest.mark.parametrize(
    ("_case", "inviter", "role", "allowed"),
    [
        ("owner makes an owner", "owner", "owner", True),
        ("owner makes a manager", "owner", "manager", True),
        ("manager makes a waiter", "manager", "waiter", True),
        ("manager makes a cook", "manager", "kitchen", True),
        ("manager makes a manager", "manager", "manager", False),
        ("manager makes an owner", "manager", "owner", False),
        ("waiter invites", "waiter", "waiter", False),
        ("cook invites", "kitchen", "kitchen", False),
    ],
)
def test_who_may_invite_whom(
    staff, restaurant, django_capture_on_commit_callbacks, _case, inviter, role, allowed
):
    # given
    user = staff(inviter)
    # when / then
    with django_capture_on_commit_callbacks(execute=True):
        if allowed:
            invitation_create(
                restaurant_id=restaurant.pk, email="a@example.com", role=role, user=user
            )
        else:
            with pytest.raises(PermissionDeniedError):
                invitation_create(
                    restaurant_id=restaurant.pk,
                    email="a@example.com",
                    role=role,
                    user=user,
                )
    assert StaffInvitation.objects.count() == (1 if allowed else 0)
    assert len(mail.outbox) == (1 if allowed else 0)


def test_the_invite_form_offers_a_manager_only_waiter_and_kitchen(staff, restaurant):
    page = _client(staff("manager")).get(URL).content.decode()
    invite_form = page.split('value="invite"', 1)[1]
    roles = re.findall(r'<option value="(\w+)"', invite_form.split("</select>")[0])
    assert roles == ["waiter", "kitchen"]
    # and a manager posting a manager role anyway is refused
    client = _client(staff("manager"))
    refused = _invite(client, restaurant, role="manager")
    assert "Only an owner can make someone an owner or a manager." in (
        refused.content.decode()
    )
    assert not StaffInvitation.objects.exists()


def test_a_bad_email_is_refused(staff, restaurant):
    page = _invite(_client(staff("owner")), restaurant, email="not an address")
    assert "does not look like an email address" in page.content.decode()
    assert not StaffInvitation.objects.exists()


def test_an_owner_changes_a_role_and_removes_access(staff, restaurant):
    # given
    owner = staff("owner")
    waiter_row = StaffFactory(restaurant=restaurant, role="waiter")
    client = _client(owner)
    # when
    client.post(
        f"{URL}?restaurant={restaurant.slug}",
        {"action": "role", "member": waiter_row.pk, "role": "manager"},
    )
    client.post(
        f"{URL}?restaurant={restaurant.slug}",
        {"action": "deactivate", "member": waiter_row.pk},
    )
    # then
    waiter_row.refresh_from_db()
    assert (waiter_row.role, waiter_row.is_active) == ("manager", False)
    assert staff_roles(user=waiter_row.user, restaurant_id=restaurant.pk) == set()
    assert _client(waiter_row.user).get("/manage/").status_code == 403


@pytest.mark.parametrize(
    ("_case", "actor", "target", "new_role"),
    [
        ("manager promotes a waiter", "manager", "waiter", "manager"),
        ("manager demotes a manager", "manager", "manager", "waiter"),
        ("manager touches the owner", "manager", "owner", "waiter"),
    ],
)
def test_a_manager_cannot_give_or_take_manager_roles(
    staff, restaurant, _case, actor, target, new_role
):
    # given
    row = StaffFactory(restaurant=restaurant, role=target)
    # when / then
    with pytest.raises(PermissionDeniedError):
        staff_member_role_set(
            staff_member_id=row.pk,
            restaurant_id=restaurant.pk,
            role=new_role,
            user=staff(actor),
        )
    row.refresh_from_db()
    assert row.role == target


def test_a_manager_lets_a_cook_go_but_not_an_owner(staff, restaurant):
    # given
    manager = staff("manager")
    cook = StaffFactory(restaurant=restaurant, role="kitchen")
    owner = StaffFactory(restaurant=restaurant, role="owner")
    # when
    staff_member_active_set(
        staff_member_id=cook.pk,
        restaurant_id=restaurant.pk,
        is_active=False,
        user=manager,
    )
    # then
    cook.refresh_from_db()
    assert not cook.is_active
    with pytest.raises(PermissionDeniedError):
        staff_member_active_set(
            staff_member_id=owner.pk,
            restaurant_id=restaurant.pk,
            is_active=False,
            user=manager,
        )
    owner.refresh_from_db()
    assert owner.is_active


def test_nobody_changes_their_own_role(staff, restaurant):
    owner = staff("owner")
    row = StaffMember.objects.get(user=owner)
    with pytest.raises(DomainError, match="your own role"):
        staff_member_role_set(
            staff_member_id=row.pk,
            restaurant_id=restaurant.pk,
            role="waiter",
            user=owner,
        )
    row.refresh_from_db()
    assert row.role == "owner"


def test_another_restaurants_staff_cannot_be_changed(staff, restaurant):
    # given
    theirs = StaffFactory(restaurant=RestaurantFactory(), role="waiter")
    # when
    page = _client(staff("owner")).post(
        f"{URL}?restaurant={restaurant.slug}",
        {"action": "deactivate", "member": theirs.pk},
        follow=True,
    )
    # then
    theirs.refresh_from_db()
    assert theirs.is_active
    assert "does not exist" in page.content.decode()


def test_a_pending_invitation_is_listed_and_withdrawn(staff, restaurant):
    # given
    client = _client(staff("owner"))
    invitation, token = invitation_create(
        restaurant_id=restaurant.pk,
        email="p@example.com",
        role="waiter",
        user=staff("owner"),
    )
    # when
    listed = client.get(URL).content.decode()
    client.post(
        f"{URL}?restaurant={restaurant.slug}",
        {"action": "revoke", "invitation": invitation.pk},
    )
    # then
    assert "p@example.com" in listed
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    with pytest.raises(InvitationInvalidError):
        invitation_accept(token=token, username="p", password="kesä-pöytä-42")


def test_someone_who_left_comes_back_through_an_invitation(staff, restaurant):
    # given: a cook who left
    row = StaffFactory(restaurant=restaurant, role="kitchen", is_active=False)
    _invitation, token = invitation_create(
        restaurant_id=restaurant.pk,
        email="back@example.com",
        role="waiter",
        user=staff("manager"),
    )
    # when
    invitation_accept(token=token, user=row.user)
    # then: the same row, active again, in the new role
    row.refresh_from_db()
    assert (row.role, row.is_active) == ("waiter", True)
    assert StaffMember.objects.filter(user=row.user).count() == 1
