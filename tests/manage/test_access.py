"""The back office opens for a restaurant's managers and owners only."""

import pytest
from django.test import Client

from tests.factories import RestaurantFactory

URL = "/manage/"


def _client(user=None) -> Client:
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", ["owner", "manager"])
def test_managers_and_owners_get_in(staff, restaurant, role):
    page = _client(staff(role)).get(URL)
    assert page.status_code == 200
    assert restaurant.name in page.content.decode()


@pytest.mark.parametrize("role", ["waiter", "kitchen"])
def test_other_roles_are_told_it_is_not_for_them(staff, role):
    page = _client(staff(role)).get(URL)
    assert page.status_code == 403
    assert "managers and owners" in page.content.decode()


def test_a_manager_cannot_open_another_restaurant(staff, restaurant):
    elsewhere = RestaurantFactory()
    client = _client(staff("manager", at=elsewhere))
    assert client.get(f"{URL}?restaurant={restaurant.slug}").status_code == 403
    page = client.get(f"{URL}?restaurant={elsewhere.slug}")
    assert page.status_code == 200
    assert restaurant.name not in page.content.decode()


def test_signed_out_goes_to_sign_in():
    response = _client().get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
