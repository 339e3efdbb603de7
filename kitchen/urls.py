from django.urls import path

from kitchen import views
from kitchen.floor import views as floor_views

urlpatterns = [
    path("", views.display, name="kitchen-display"),
    path("pair/", views.pair, name="kitchen-pair"),
    path("screens/", views.screens, name="kitchen-screens"),
    # The waiters' tablets.
    path("floor/", floor_views.floor_page, name="floor"),
]
