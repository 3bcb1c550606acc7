from django.urls import include, path

urlpatterns = [
    path("", include("certification.api.certificates")),
    path("", include("certification.api.verification")),
    path("", include("certification.api.warranty")),
    path("", include("certification.api.warranty_offers")),
]
