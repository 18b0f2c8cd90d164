"""VAT sums are exact integers in đồng with the stated rounding rule; rates are data with
dates; the VietQR payload decodes back to the bank, account, amount and order code with a
valid CRC."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.billing import vietqr
from marketplace.billing.banks import bank_by_bin, banks
from marketplace.core import vat


@pytest.mark.parametrize(
    ("amount", "rate", "includes", "expected"),
    [
        # Excluding VAT: VAT = amount × rate, rounded half up to the đồng.
        (1_000_000, 10, False, (1_000_000, 100_000, 1_100_000)),
        (150_005, 10, False, (150_005, 15_001, 165_006)),  # 15.000,5 → 15.001 (half up)
        (150_004, 10, False, (150_004, 15_000, 165_004)),  # 15.000,4 → 15.000
        (99_999, 8, False, (99_999, 8_000, 107_999)),  # 7.999,92 → 8.000
        # Including VAT: net = total × 100 / (100 + rate) rounded half up; VAT the rest.
        (1_100_000, 10, True, (1_000_000, 100_000, 1_100_000)),
        (1_000_000, 8, True, (925_926, 74_074, 1_000_000)),  # 925.925,93 → 925.926
        (1_000_000, 5, True, (952_381, 47_619, 1_000_000)),
        # Not subject to VAT, or 0 %: nothing added.
        (2_500_000, 0, True, (2_500_000, 0, 2_500_000)),
        (2_500_000, 0, False, (2_500_000, 0, 2_500_000)),
    ],
)
def test_line_amounts_round_half_up_to_the_dong(amount, rate, includes, expected):
    result = vat.line_amounts(amount, rate, includes_vat=includes)
    assert (result.net_vnd, result.vat_vnd, result.total_vnd) == expected
    assert all(isinstance(v, int) for v in expected)


@given(
    amount=st.integers(min_value=0, max_value=10**12),
    rate=st.sampled_from([0, 5, 8, 10]),
    includes=st.booleans(),
)
def test_net_plus_vat_is_always_the_total(amount, rate, includes):
    result = vat.line_amounts(amount, rate, includes_vat=includes)
    assert result.net_vnd + result.vat_vnd == result.total_vnd
    assert result.vat_vnd >= 0
    if includes:
        assert result.total_vnd == amount
    # Half up, exactly: compare with the rational value.
    exact = amount * rate / 100 if not includes else amount - amount * 100 / (100 + rate)
    assert abs(result.vat_vnd - exact) <= 0.5 + 1e-6


def test_rates_come_from_the_data_file_with_their_dates():
    assert vat.rate_for("exempt", dt.date(2026, 12, 2)) == 0
    assert vat.rate_for("10", dt.date(2026, 12, 2)) == 10
    # The 8 % reduction is temporary: after its last day the plan pays its `then` rate.
    assert vat.rate_for("8", dt.date(2026, 12, 31)) == 8
    assert vat.rate_for("8", dt.date(2027, 1, 1)) == 10
    with pytest.raises(ValueError):
        vat.rate_for("12", dt.date(2026, 12, 2))


def test_the_bank_list_holds_the_napas_bins():
    expected = {
        "970436": "Vietcombank",
        "970415": "VietinBank",
        "970418": "BIDV",
        "970405": "Agribank",
        "970407": "Techcombank",
        "970422": "MB",
        "970416": "ACB",
        "970432": "VPBank",
        "970423": "TPBank",
        "970403": "Sacombank",
    }
    for bin_, short in expected.items():
        assert bank_by_bin(bin_).short_name == short
    bins = [b.bin for b in banks()]
    assert len(bins) == len(set(bins)) and all(len(b) == 6 and b.isdigit() for b in bins)


def test_crc_is_ccitt_false():
    # The standard check value of CRC-16/CCITT-FALSE.
    assert vietqr.crc16_ccitt_false("123456789") == "29B1"


def test_vietqr_payload_decodes_back_to_its_fields_and_its_crc_verifies():
    payload = vietqr.build_payload(
        bank_bin="970436",
        account_number="0011001234567",
        amount_vnd=1_650_000,
        description="CGP7K3M9QX",
    )
    fields = vietqr.parse_fields(payload)
    assert fields["00"] == "01" and fields["01"] == "12"
    assert fields["53"] == "704" and fields["58"] == "VN"
    transfer = vietqr.parse_payload(payload)
    assert transfer.bank_bin == "970436"
    assert transfer.account_number == "0011001234567"
    assert transfer.amount_vnd == 1_650_000
    assert transfer.description == "CGP7K3M9QX"
    assert transfer.crc_ok
    # One changed character breaks the CRC.
    tampered = payload.replace("1650000", "1650001")
    assert not vietqr.parse_payload(tampered).crc_ok


@given(
    account=st.text(alphabet="0123456789", min_size=6, max_size=19),
    amount=st.integers(min_value=1, max_value=10**12),
)
def test_any_transfer_round_trips(account, amount):
    payload = vietqr.build_payload(
        bank_bin="970422", account_number=account, amount_vnd=amount, description="CGPABCDEFG"
    )
    transfer = vietqr.parse_payload(payload)
    assert (transfer.account_number, transfer.amount_vnd, transfer.crc_ok) == (
        account,
        amount,
        True,
    )


def test_the_qr_image_is_inline_svg_with_a_title():
    svg = str(vietqr.qr_svg("000201", title="VietQR CGP"))
    assert svg.startswith("<svg") and "<title>VietQR CGP</title>" in svg
