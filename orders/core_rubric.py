"""The published core inspection rubric: what a returned core earns back of its deposit.

Pure: no database. Each finding either deducts a share of the deposit or rejects the core
outright. credit = deposit x (1 - sum of deductions), floored at zero, rounded to the cent
(half up); the rest is withheld and goes to the seller. No findings: full credit. A core whose
deductions leave nothing to credit is rejected (the buyer may still send another before the
deadline), so a credited core always earns something.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CENT = Decimal("0.01")
ACCEPTED = "accepted"
PARTIALLY_ACCEPTED = "partially_accepted"
REJECTED = "rejected"


@dataclass(frozen=True)
class Finding:
    code: str
    label: str
    deduction: Decimal  # share of the deposit withheld; ignored when `rejects`
    rejects: bool = False


RUBRIC: tuple[Finding, ...] = (
    Finding("damaged_casing", gettext_lazy("Damaged casing"), Decimal("0.25")),
    Finding("seized", gettext_lazy("Seized (does not turn)"), Decimal("0.40")),
    Finding(
        "missing_parts",
        gettext_lazy("Missing parts (pulley, brackets, connectors)"),
        Decimal("0.50"),
    ),
    Finding(
        "wrong_part", gettext_lazy("Not the part sold (wrong core)"), Decimal("1"), rejects=True
    ),
    Finding(
        "cracked_housing",
        gettext_lazy("Cracked housing (cannot be remanufactured)"),
        Decimal("1"),
        True,
    ),
)
FINDINGS = {finding.code: finding for finding in RUBRIC}


class UnknownFinding(ValueError):
    def __init__(self, codes: list[str]):
        super().__init__(_("Unknown findings: %(codes)s.") % {"codes": ", ".join(codes)})
        self.codes = codes


@dataclass(frozen=True)
class CoreVerdict:
    """What an inspection decides: the return's status, the credit and what is withheld."""

    status: str
    credit: Decimal
    withheld: Decimal
    findings: tuple[str, ...]


def normalise_findings(codes) -> tuple[str, ...]:
    """Each finding once, in rubric order. Raises UnknownFinding for codes not in the rubric."""
    unknown = sorted({code for code in codes if code not in FINDINGS})
    if unknown:
        raise UnknownFinding(unknown)
    present = set(codes)
    return tuple(finding.code for finding in RUBRIC if finding.code in present)


def core_verdict(deposit: Decimal, codes) -> CoreVerdict:
    """The credit a core with `codes` found earns of `deposit` (a Decimal in currency units)."""
    findings = normalise_findings(codes)
    if any(FINDINGS[code].rejects for code in findings):
        return CoreVerdict(REJECTED, Decimal("0.00"), deposit, findings)
    deducted = sum((FINDINGS[code].deduction for code in findings), Decimal("0"))
    share = max(Decimal("0"), Decimal("1") - deducted)
    credit = (deposit * share).quantize(CENT, rounding=ROUND_HALF_UP)
    if credit == 0:
        return CoreVerdict(REJECTED, credit, deposit, findings)
    status = ACCEPTED if credit == deposit else PARTIALLY_ACCEPTED
    return CoreVerdict(status, credit, deposit - credit, findings)


def rubric_published() -> list[dict]:
    """The rubric as buyers and sellers read it."""
    return [
        {
            "code": finding.code,
            "label": finding.label,
            "deduction": None if finding.rejects else str(finding.deduction),
            "rejects": finding.rejects,
        }
        for finding in RUBRIC
    ]
