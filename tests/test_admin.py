"""The Django admin opens every model's list, add form and change form."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from kitchen.admin import FloorRecordAdmin
from loyalty.admin import ReadOnlyAdmin
from loyalty.models import Identification, Member
from ordering.services.orders import cart_line_add, order_submit
from tests.factories import AreaFactory

MODELS = list(admin.site._registry)


@pytest.fixture
def admin_client_with_data(menu, guest, staff, client):
    """One row of every kind: a placed order, a member who identified, staff."""
    cart = cart_line_add(
        guest=guest,
        menu_item_id=menu.steak.pk,
        quantity=1,
        modifier_ids=[menu.rare.pk, menu.mash.pk],
    )
    order_submit(guest=guest, cart_id=cart.pk)
    member = Member.objects.create(restaurant=menu.restaurant, first_name="Anna")
    Identification.objects.create(guest=guest, member=member)
    staff("manager")
    AreaFactory(restaurant=menu.restaurant)
    client.force_login(get_user_model().objects.create_superuser("root", password="pw"))
    return client


@pytest.mark.parametrize(
    "model", MODELS, ids=[f"{m._meta.app_label}.{m._meta.model_name}" for m in MODELS]
)
def test_admin_pages_open(admin_client_with_data, model):
    client = admin_client_with_data
    meta = model._meta
    base = f"admin:{meta.app_label}_{meta.model_name}"
    # when / then
    assert client.get(reverse(f"{base}_changelist")).status_code == 200
    add = client.get(reverse(f"{base}_add")).status_code
    # Task results, loyalty's ledgers (points, consents…) and the floor's
    # records are written by the worker and the services only; their admins
    # offer no "add".
    read_only = meta.app_label == "django_tasks_database" or isinstance(
        admin.site._registry[model], ReadOnlyAdmin | FloorRecordAdmin
    )
    assert add == (403 if read_only else 200)
    first = model._default_manager.order_by("pk").first()
    if first is not None:
        assert client.get(reverse(f"{base}_change", args=[first.pk])).status_code == 200


def test_every_model_of_ours_is_in_the_admin():
    from django.apps import apps

    ours = {
        m
        for app in ("ordering", "loyalty", "kitchen")
        for m in apps.get_app_config(app).get_models()
    }
    assert ours - set(MODELS) == set()
