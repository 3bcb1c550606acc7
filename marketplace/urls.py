from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from marketplace import views

api_v1 = [
    path("", include("marketplace.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("certification.api.urls")),
    path("", include("orders.api.urls")),
]

urlpatterns = [
    path("", include("catalog.urls")),
    path("", include("certification.urls")),
    path("", include("orders.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/sign-up/", views.sign_up, name="sign-up"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/auth/", include("rest_framework.urls")),
]

if settings.SERVE_MEDIA:
    # Only listing photos are public; evidence and claim documents are downloaded through the
    # API by the parties allowed to see them.
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(
            rf"^{media_prefix}(?P<path>listings/.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
