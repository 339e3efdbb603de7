"""Sections: which waiter covers which areas."""

import pytest

from kitchen.floor.exceptions import SectionError
from kitchen.floor.models import Section
from kitchen.floor.services.sections import section_set
from ordering.exceptions import PermissionDeniedError
from tests.floor.conftest import floor_events


def _sections():
    return sorted(Section.objects.values_list("area__name", "waiter_id"))


def test_a_manager_puts_waiters_in_sections(floor, manager, staff, capture_events):
    # given
    anna, ben = staff("waiter"), staff("waiter")
    # when
    with capture_events() as sent:
        section_set(
            area_id=floor.hall.pk, waiter_id=anna.pk, is_assigned=True, user=manager
        )
        section_set(
            area_id=floor.hall.pk, waiter_id=ben.pk, is_assigned=True, user=manager
        )
        after = section_set(
            area_id=floor.terrace.pk, waiter_id=ben.pk, is_assigned=True, user=manager
        )
    # then
    assert _sections() == [("Sali", anna.pk), ("Sali", ben.pk), ("Terassi", ben.pk)]
    assert [s.waiter_id for s in after] == [ben.pk]
    assert Section.objects.get(waiter=anna).assigned_by_id == manager.pk
    assert floor_events(sent) == [
        ("section.changed", 1),
        ("section.changed", 2),
        ("section.changed", 3),
    ]
    assert sent[1][1]["data"]["waiters"] == [
        {"waiter": anna.pk, "name": anna.username},
        {"waiter": ben.pk, "name": ben.username},
    ]


def test_a_waiter_takes_and_leaves_an_area(floor, waiter):
    # when
    section_set(
        area_id=floor.terrace.pk, waiter_id=waiter.pk, is_assigned=True, user=waiter
    )
    section_set(
        area_id=floor.terrace.pk, waiter_id=waiter.pk, is_assigned=True, user=waiter
    )
    # then: once
    assert _sections() == [("Terassi", waiter.pk)]
    # when
    section_set(
        area_id=floor.terrace.pk, waiter_id=waiter.pk, is_assigned=False, user=waiter
    )
    # then
    assert _sections() == []


def test_a_waiter_cannot_move_a_colleague(floor, waiter, staff, capture_events):
    colleague = staff("waiter")
    with capture_events() as sent, pytest.raises(PermissionDeniedError):
        section_set(
            area_id=floor.hall.pk, waiter_id=colleague.pk, is_assigned=True, user=waiter
        )
    assert _sections() == []
    assert sent == []


@pytest.mark.parametrize("_case", ["cook", "staff elsewhere"])
def test_only_floor_staff_of_the_restaurant_get_a_section(
    floor, manager, staff, outsider, _case
):
    person = staff("kitchen") if _case == "cook" else outsider
    with pytest.raises(SectionError):
        section_set(
            area_id=floor.hall.pk, waiter_id=person.pk, is_assigned=True, user=manager
        )
    assert _sections() == []


def test_another_restaurants_manager_cannot_assign(floor, waiter, outsider):
    with pytest.raises(PermissionDeniedError):
        section_set(
            area_id=floor.hall.pk, waiter_id=waiter.pk, is_assigned=True, user=outsider
        )
    assert _sections() == []
