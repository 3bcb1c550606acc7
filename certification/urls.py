"""Certification's pages (the API is in certification/api), by party."""

from django.urls import path

from certification import views, views_certifier, views_holder, views_insurer

certifier = [
    path("certifier/schemes/", views_certifier.scheme_list, name="certifier-schemes"),
    path("certifier/schemes/new/", views_certifier.scheme_create, name="certifier-scheme-create"),
    path(
        "certifier/schemes/<int:scheme_id>/",
        views_certifier.scheme_edit,
        name="certifier-scheme-edit",
    ),
    path(
        "certifier/certificates/",
        views_certifier.certificate_list,
        name="certifier-certificates",
    ),
    path(
        "certifier/certificates/issue/",
        views_certifier.certificate_issue,
        name="certifier-certificate-issue",
    ),
    path(
        "certifier/certificates/<int:certificate_id>/",
        views_certifier.certificate_detail,
        name="certifier-certificate",
    ),
    *(
        path(
            f"certifier/certificates/<int:certificate_id>/{action}/",
            views_certifier.certificate_change,
            {"action": action},
            name=f"certifier-certificate-{action}",
        )
        for action in views_certifier.CHANGES
    ),
    path(
        "certifier/certificates/<int:certificate_id>/evidence/",
        views_certifier.evidence_add,
        name="certifier-evidence-add",
    ),
    path(
        "certifier/certificates/<int:certificate_id>/evidence/<int:document_id>/",
        views_certifier.evidence_file,
        name="certifier-evidence-file",
    ),
]

insurer = [
    path("insurer/plans/", views_insurer.plan_list, name="insurer-plans"),
    path("insurer/plans/new/", views_insurer.plan_create, name="insurer-plan-create"),
    path("insurer/plans/<int:plan_id>/", views_insurer.plan_detail, name="insurer-plan"),
    path("insurer/policies/", views_insurer.policy_list, name="insurer-policies"),
    path("insurer/claims/", views_insurer.claim_list, name="insurer-claims"),
    path("insurer/claims/<int:claim_id>/", views_insurer.claim_detail, name="insurer-claim"),
    *(
        path(
            f"insurer/claims/<int:claim_id>/{decision.replace('_', '-')}/",
            views_insurer.claim_decide,
            {"decision": decision},
            name=f"insurer-claim-{decision.replace('_', '-')}",
        )
        for decision in views_insurer.DECISIONS
    ),
]

holder = [
    path("my/warranty/", views_holder.my_warranty, name="my-warranty"),
    path(
        "my/warranty/policies/<int:policy_id>/",
        views_holder.policy_detail,
        name="my-warranty-policy",
    ),
    path(
        "my/warranty/policies/<int:policy_id>/claim/",
        views_holder.claim_file,
        name="my-warranty-claim-file",
    ),
    path("my/warranty/claims/<int:claim_id>/", views_holder.claim_detail, name="my-warranty-claim"),
    path(
        "my/warranty/claims/<int:claim_id>/documents/",
        views_holder.claim_document_add,
        name="my-warranty-claim-document-add",
    ),
    path(
        "my/warranty/claims/<int:claim_id>/resubmit/",
        views_holder.claim_resubmit,
        name="my-warranty-claim-resubmit",
    ),
    # Shared by the holder, the plan's insurer and the seller: scoped to who may see the claim.
    path(
        "warranty/claims/<int:claim_id>/documents/<int:document_id>/",
        views_holder.claim_document_file,
        name="claim-document-file",
    ),
]

urlpatterns = [
    path("parts/<int:listing_id>/", views.part_page, name="part-page"),
    *certifier,
    *insurer,
    *holder,
]
