from django.urls import path

from kitchen import views

urlpatterns = [
    path("", views.display, name="kitchen-display"),
    path("pair/", views.pair, name="kitchen-pair"),
    path("screens/", views.screens, name="kitchen-screens"),
]
