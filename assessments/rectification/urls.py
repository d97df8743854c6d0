from django.urls import path

from assessments.rectification import views

urlpatterns = [
    path("<int:assessment_id>/rectification/", views.rectification_page, name="rectification"),
    path("<int:assessment_id>/rectification/add/", views.rectification_add_view, name="rectification_add"),
    path(
        "<int:assessment_id>/rectification/<int:item_id>/",
        views.rectification_item_view,
        name="rectification_item",
    ),
]
