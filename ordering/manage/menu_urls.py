"""Routes of the menu pages, under /manage/menu/."""

from django.urls import path

from ordering.manage import menu, menu_csv, menu_groups

urlpatterns = [
    path("", menu.overview, name="manage-menu"),
    path("move/", menu.move, name="manage-menu-move"),
    path("reorder/", menu.reorder, name="manage-menu-reorder"),
    path("categories/new/", menu.category_new, name="manage-menu-category-new"),
    path(
        "categories/<int:category_id>/",
        menu.category_edit,
        name="manage-menu-category",
    ),
    path(
        "categories/<int:category_id>/delete/",
        menu.category_delete,
        name="manage-menu-category-delete",
    ),
    path("items/new/", menu.item_new, name="manage-menu-item-new"),
    path("items/<int:item_id>/", menu.item_edit, name="manage-menu-item"),
    path(
        "items/<int:item_id>/delete/",
        menu.item_delete,
        name="manage-menu-item-delete",
    ),
    path(
        "items/<int:item_id>/sold-out/",
        menu.sold_out,
        name="manage-menu-item-sold-out",
    ),
    path("items/<int:item_id>/stock/", menu.stock, name="manage-menu-item-stock"),
    path("items/<int:item_id>/photo/", menu.item_photo, name="manage-menu-item-photo"),
    path(
        "items/<int:item_id>/choices/",
        menu_groups.item_groups,
        name="manage-menu-item-groups",
    ),
    path("choices/<int:group_id>/", menu_groups.group_edit, name="manage-menu-group"),
    path(
        "choices/<int:group_id>/delete/",
        menu_groups.group_delete,
        name="manage-menu-group-delete",
    ),
    path("export.csv", menu_csv.export, name="manage-menu-export"),
    path("import/", menu_csv.import_, name="manage-menu-import"),
]
