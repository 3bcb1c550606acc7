import pytest

from catalog.part_numbers import normalise_part_number


@pytest.mark.parametrize(
    "spelling", ["5K0 959 704 C", "5k0959704c", "5K0-959-704-C", " 5K0.959/704 c "]
)
def test_part_number_spellings_share_one_normal_form(spelling):
    assert normalise_part_number(spelling) == "5K0959704C"
