from django.urls import path

from . import media

app_name = "core_media"

urlpatterns = [
    path("<str:signature>/<int:image_id>/<str:filter_spec>/", media.serve_image, name="image"),
]
