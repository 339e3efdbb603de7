"""factory_boy factories: valid rows with the fewest choices a test must make."""

import factory
from django.contrib.auth import get_user_model

from ordering.models import (
    Area,
    MenuCategory,
    MenuItem,
    Modifier,
    ModifierGroup,
    Restaurant,
    StaffMember,
    StaffRole,
    Table,
)


class RestaurantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Restaurant

    name = factory.Sequence(lambda n: f"Ravintola {n}")
    slug = factory.Sequence(lambda n: f"ravintola-{n}")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    restaurant = factory.SubFactory(RestaurantFactory)
    name = factory.Sequence(lambda n: f"Sali {n}")


class TableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Table

    restaurant = factory.SubFactory(RestaurantFactory)
    label = factory.Sequence(lambda n: str(n + 1))


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MenuCategory

    restaurant = factory.SubFactory(RestaurantFactory)
    name_fi = factory.Sequence(lambda n: f"Kategoria {n}")
    name_sv = factory.Sequence(lambda n: f"Kategori {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")


class MenuItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MenuItem
        skip_postgeneration_save = True

    restaurant = factory.SubFactory(RestaurantFactory)
    category = factory.SubFactory(
        CategoryFactory, restaurant=factory.SelfAttribute("..restaurant")
    )
    name_fi = factory.Sequence(lambda n: f"Annos {n}")
    name_sv = factory.Sequence(lambda n: f"Rätt {n}")
    name_en = factory.Sequence(lambda n: f"Dish {n}")
    price_minor = 1500
    vat_rate_bp = 1350
    station = "hot"


class ModifierGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModifierGroup

    restaurant = factory.SubFactory(RestaurantFactory)
    name_fi = factory.Sequence(lambda n: f"Valinta {n}")
    name_en = factory.Sequence(lambda n: f"Choice {n}")
    min_choices = 0
    max_choices = 1


class ModifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Modifier

    group = factory.SubFactory(ModifierGroupFactory)
    name_fi = factory.Sequence(lambda n: f"Vaihtoehto {n}")
    name_en = factory.Sequence(lambda n: f"Option {n}")
    price_delta_minor = 0


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    user = factory.SubFactory(UserFactory)
    restaurant = factory.SubFactory(RestaurantFactory)
    role = StaffRole.WAITER
