from django.urls import path

from marketplace.api import views

urlpatterns = [
    path("auth/register/", views.RegisterApi.as_view(), name="auth-register"),
    path("auth/token/", views.TokenApi.as_view(), name="auth-token"),
    path("me/", views.MeApi.as_view(), name="me"),
    path("organisations/", views.OrganisationListApi.as_view(), name="organisation-list"),
    path(
        "organisations/register/",
        views.OrganisationRegisterApi.as_view(),
        name="organisation-register",
    ),
    path("organisations/<slug:slug>/", views.OrganisationDetailApi.as_view(), name="organisation"),
    path(
        "organisations/<slug:slug>/approve/",
        views.OrganisationApproveApi.as_view(),
        name="organisation-approve",
    ),
    path(
        "organisations/<slug:slug>/suspend/",
        views.OrganisationSuspendApi.as_view(),
        name="organisation-suspend",
    ),
    path("memberships/", views.MembershipListCreateApi.as_view(), name="membership-list"),
    path("memberships/<int:pk>/", views.MembershipDeleteApi.as_view(), name="membership"),
]
