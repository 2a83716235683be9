"""The MST check digit (weights 31, 29, 23, 19, 17, 13, 7, 5, 3, modulus 11)."""

import pytest

from app.business import taxcode


def test_the_worked_example_of_the_circular():
    assert taxcode.check_digit("010004751") == 6
    assert taxcode.is_valid("0100047516")


@pytest.mark.parametrize("code", ["0100109106", "0100109106-001", "0100109106001", " 0100 109 106 ", "0101243150"])
def test_valid_codes(code):
    assert taxcode.is_valid(code)


@pytest.mark.parametrize("code", [
    "0100109107",  # wrong check digit
    "0100109106-000",  # branch 000 does not exist
    "010010910",  # too short
    "01001091060",  # eleven digits
    "0100109106-01",  # short suffix
    "0000000000",  # province 00
    "0100000000",  # sequence 0000000
    "01001O9106",  # a letter O
    "０１００１０９１０６",  # full-width digits
    "",
])
def test_invalid_codes(code):
    assert not taxcode.is_valid(code)


def test_a_remainder_of_zero_has_no_check_digit():
    nine = next(f"01{n:07d}" for n in range(1, 10_000) if taxcode.check_digit(f"01{n:07d}") is None)
    assert all(not taxcode.is_valid(nine + str(d)) for d in range(10))


def test_every_other_digit_is_refused():
    for digit in "012345789":
        assert not taxcode.is_valid("010010910" + digit)
    assert taxcode.normalize("0100109106001") == "0100109106-001"
