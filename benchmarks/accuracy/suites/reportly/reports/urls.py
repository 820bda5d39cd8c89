from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("<int:pk>/rebuild/", views.rebuild, name="rebuild"),
]
