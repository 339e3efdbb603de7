"""Framework hooks only: any saved or deleted menu row retires the cached
menus (`services.menu.menu_changed`), whoever saved it (admin, services,
shell). Rules stay in the services; this only keeps caches honest."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from ordering.models import MenuCategory, MenuItem, Modifier, ModifierGroup, Restaurant
from ordering.services.menu import menu_changed


def _restaurant_id(instance) -> int | None:
    if isinstance(instance, Restaurant):
        return instance.pk
    if isinstance(instance, Modifier):
        return (
            ModifierGroup.objects.filter(pk=instance.group_id)
            .values_list("restaurant_id", flat=True)
            .first()
        )
    return getattr(instance, "restaurant_id", None)


@receiver(post_save, sender=Restaurant)
@receiver(post_save, sender=MenuCategory)
@receiver(post_save, sender=MenuItem)
@receiver(post_save, sender=ModifierGroup)
@receiver(post_save, sender=Modifier)
@receiver(post_delete, sender=MenuCategory)
@receiver(post_delete, sender=MenuItem)
@receiver(post_delete, sender=ModifierGroup)
@receiver(post_delete, sender=Modifier)
def _menu_row_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # loading fixtures
    restaurant_id = _restaurant_id(instance)
    if restaurant_id is not None:
        menu_changed(restaurant_id=restaurant_id)


@receiver(m2m_changed, sender=MenuItem.modifier_groups.through)
def _menu_choices_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        restaurant_id = getattr(instance, "restaurant_id", None)
        if restaurant_id is not None:
            menu_changed(restaurant_id=restaurant_id)
