from certification.models.schemes import (
    CERTIFICATE_TRANSITIONS,
    Certificate,
    CertificateEvent,
    CertificateStatus,
    EvidenceDocument,
    Scheme,
)
from certification.models.warranty import (
    CLAIM_TRANSITIONS,
    Claim,
    ClaimDocument,
    ClaimEvent,
    ClaimPayout,
    ClaimPayoutStatus,
    ClaimStatus,
    IncludedWarranty,
    PremiumRate,
    WarrantyPlan,
    WarrantyPolicy,
)

__all__ = [
    "CERTIFICATE_TRANSITIONS", "CLAIM_TRANSITIONS", "Certificate", "CertificateEvent",
    "CertificateStatus", "Claim", "ClaimDocument", "ClaimEvent", "ClaimPayout",
    "ClaimPayoutStatus", "ClaimStatus", "EvidenceDocument", "IncludedWarranty", "PremiumRate",
    "Scheme", "WarrantyPlan", "WarrantyPolicy",
]  # fmt: skip
