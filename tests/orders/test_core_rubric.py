"""The published core inspection rubric: pure arithmetic over Decimals, no database."""

from decimal import Decimal

import pytest

from orders.core_rubric import (
    ACCEPTED,
    PARTIALLY_ACCEPTED,
    REJECTED,
    UnknownFinding,
    core_verdict,
    rubric_published,
)

DEPOSIT = Decimal("45.00")


def test_a_core_with_no_findings_earns_its_whole_deposit():
    verdict = core_verdict(DEPOSIT, [])

    assert (verdict.status, verdict.credit, verdict.withheld) == (ACCEPTED, DEPOSIT, Decimal("0"))


def test_a_damaged_casing_withholds_a_quarter_of_the_deposit():
    verdict = core_verdict(DEPOSIT, ["damaged_casing"])

    assert verdict.status == PARTIALLY_ACCEPTED
    assert verdict.credit == Decimal("33.75") and verdict.withheld == Decimal("11.25")


def test_deductions_add_up_and_the_credit_is_rounded_to_the_cent():
    verdict = core_verdict(Decimal("33.33"), ["damaged_casing", "seized"])

    # 33.33 x 0.35 = 11.6655, rounded half up
    assert verdict.credit == Decimal("11.67")
    assert verdict.credit + verdict.withheld == Decimal("33.33")


def test_a_finding_named_twice_counts_once_and_findings_come_in_rubric_order():
    verdict = core_verdict(DEPOSIT, ["missing_parts", "damaged_casing", "missing_parts"])

    assert verdict.findings == ("damaged_casing", "missing_parts")
    assert verdict.credit == Decimal("11.25")


@pytest.mark.parametrize("finding", ["wrong_part", "cracked_housing"])
def test_a_wrong_part_or_a_cracked_housing_rejects_the_core_whatever_else(finding):
    verdict = core_verdict(DEPOSIT, ["damaged_casing", finding])

    assert verdict.status == REJECTED
    assert verdict.credit == Decimal("0.00") and verdict.withheld == DEPOSIT


def test_deductions_past_the_whole_deposit_floor_at_zero_and_reject_the_core():
    verdict = core_verdict(DEPOSIT, ["damaged_casing", "seized", "missing_parts"])

    assert verdict.status == REJECTED and verdict.credit == Decimal("0.00")


def test_an_unknown_finding_is_refused_with_its_code():
    with pytest.raises(UnknownFinding) as refused:
        core_verdict(DEPOSIT, ["dusty", "damaged_casing"])

    assert refused.value.codes == ["dusty"]


def test_the_published_rubric_names_every_finding_and_its_deduction():
    published = {row["code"]: row for row in rubric_published()}

    assert published["damaged_casing"]["deduction"] == "0.25"
    assert published["missing_parts"]["deduction"] == "0.50"
    assert published["wrong_part"] == {
        "code": "wrong_part",
        "label": "Not the part sold (wrong core)",
        "deduction": None,
        "rejects": True,
    }
