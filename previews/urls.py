from django.urls import path

from previews import views

urlpatterns = [
    path("<uuid:pk>/", views.preview_page, name="preview"),
    path(
        "<uuid:pk>/thumbnail/<int:preview_id>/<str:size>/", views.thumbnail, name="thumbnail"
    ),
]
