import csv
import io
import json
from xml.etree import ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.text import (
    ForbiddenCharacterError,
    csv_cell,
    csv_line,
    fold,
    mask_personal_data,
    normalize_text,
)


def test_fold_strips_vietnamese_diacritics():
    assert fold("Ổ gà") == "o ga"
    assert fold("Phường Hoàn Kiếm") == "phuong hoan kiem"
    assert fold("Đống Đa") == "dong da"
    assert fold("  Cửa   Nam ") == "cua nam"


# --- normalize_text -------------------------------------------------------------------------

def test_normalize_text_composes_removes_controls_and_unifies_line_breaks():
    decomposed = "O\u0302\u0309 ga\u0300"  # "Ổ gà" typed with combining marks
    assert normalize_text(decomposed) == "Ổ gà"
    assert normalize_text("a\r\nb\rc\nd") == "a\nb\nc\nd"
    assert normalize_text("x\x01y\x1b[31mz\x7f\x85\u0090") == "xy[31mz"
    assert normalize_text("tab\tkept\n") == "tab\tkept\n"
    assert normalize_text("lone \ud800 surrogate \ufffe") == "lone  surrogate "


@pytest.mark.parametrize(("text", "clean"), [
    ("\u200b" * 20, ""),                      # zero-width spaces only: empty, so "required" refuses it
    ("Ổ\u200dgà\u200c", "Ổgà"),               # joiners
    ("abc\u202edef\u202c", "abcdef"),         # a right-to-left override would show "fedcba"
    ("so\u00adft", "soft"),                    # soft hyphen
    ("\ufeffBOM", "BOM"),
    ("dòng\u2028dòng\u2029đoạn", "dòng\ndòng\nđoạn"),
])
def test_invisible_format_characters_are_removed(text, clean):
    assert normalize_text(text) == clean


def test_normalize_text_refuses_nul_with_a_translated_message(app):
    with pytest.raises(ForbiddenCharacterError) as caught:
        normalize_text("abc\x00def")
    assert isinstance(caught.value, ValueError)
    with app.test_request_context(headers={"Cookie": "lang=vi"}):
        assert "NUL" in str(caught.value.args[0]) and "không" in str(caught.value.args[0])


# Anything a browser or an API client can send: every code point, surrogates included (a
# request body is decoded with replacement, but a JSON string can carry "\ud800").
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=200)


def _open311_xml(text: str) -> bytes:
    from app.open311.serializers import to_xml

    return to_xml("service_requests", [{"description": text, "address": text, "status_notes": None}])


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_any_input_comes_out_as_well_formed_xml_valid_json_and_a_safe_csv_cell(text):
    try:
        clean = normalize_text(text)
    except ForbiddenCharacterError:
        assert "\x00" in text
        return
    assert normalize_text(clean) == clean
    # XML, through the serialiser of the Open311 API: parses and keeps the text.
    root = ET.fromstring(_open311_xml(clean))  # noqa: S314 (our own output)
    assert (root.find("request/description").text or "") == clean
    # JSON: strict round trip (no lone surrogates, which a strict decoder refuses).
    encoded = json.dumps({"description": clean}, ensure_ascii=False).encode("utf-8")
    assert json.loads(encoded.decode("utf-8"))["description"] == clean
    # CSV: one record, one cell, which no spreadsheet reads as a formula.
    line = csv_line([clean, 1])
    [[cell, number]] = list(csv.reader(io.StringIO(line)))
    assert number == "1"
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell in (clean, "'" + clean)


@pytest.mark.parametrize("value", [
    "=HYPERLINK(\"http://x\";\"bấm\")", "+84912345678", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "  =1+1",
])
def test_csv_cells_that_could_be_formulas_are_neutralised(value):
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Phường Hoàn Kiếm", "", "a=b", "2026-01-01", 5, -3, 1.5, None])
def test_csv_cells_that_are_plain_stay_as_they_are(value):
    assert csv_cell(value) == value


# --- mask_personal_data ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "masked"), [
    ("Gọi 0912345678 nhé", "Gọi •••••••678 nhé"),
    ("SĐT: 0912 345 678.", "SĐT: •••• ••• 678."),
    ("0912.345.678", "••••.•••.678"),
    ("0912-345-678", "••••-•••-678"),
    ("091 234 5678", "••• ••• •678"),
    ("sđt0987654321", "sđt•••••••321"),
    ("+84 912 345 678", "+84 ••• ••• 678"),
    ("+84912345678", "+84••••••678"),
    ("+84-912-345-678", "+84-•••-•••-678"),
    ("(+84) 912 345 678", "(+84) ••• ••• 678"),
    ("+84 (0) 912 345 678", "+84 (•) ••• ••• 678"),
    ("84 912 345 678", "84 ••• ••• 678"),
    ("0084912345678", "0084••••••678"),
    ("(024) 3825 1234", "(•••) •••• •234"),
    ("024.3825.1234", "•••.••••.•234"),
    ("02438251234", "••••••••234"),
    ("CCCD 001190012345", "CCCD •••••••••345"),
    ("CCCD: 001 190 012 345", "CCCD: ••• ••• ••• 345"),
    ("001.190.012.345", "•••.•••.•••.345"),
    ("0912345678 hoặc 0987654321", "•••••••678 hoặc •••••••321"),
    ("0912345678-0987654321", "•••••••678-•••••••321"),
    ("0912345678,0987654321", "•••••••678,•••••••321"),
    ("Gọi ０９１２３４５６７８", "Gọi •••••••678"),          # full-width digits
    ("Gọi 0 9 1 2 3 4 5 6 7 8", "Gọi • • • • • • • 6 7 8"),  # digit by digit
    ("0912  345  678", "••••  •••  678"),                      # double spaces
    ("CCCD ００１１９００１２３４５", "CCCD •••••••••345"),
])
def test_phone_and_id_numbers_are_masked(text, masked):
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize("text", [
    "Ổ gà trước số 12 phố Hàng Bông", "Ngày 12.05.2025 lúc 08:30", "Thiệt hại 1.000.000.000.000 đồng",
    "Tọa độ 21.0287, 105.8524", "Phản ánh #123456", "Mã 12345678", "số 0912345678901",
    "2026-11-28T08:13:34Z",
])
def test_other_numbers_are_left_alone(text):
    assert mask_personal_data(text) == text


def test_mask_of_nothing_is_empty():
    assert mask_personal_data(None) == "" and mask_personal_data("") == ""


@pytest.mark.parametrize(("text", "masked"), [
    ("Liên hệ an.nguyen@gmail.com nhé", "Liên hệ a•••@•••.com nhé"),
    ("Email: Tran_Van-B+phananh@mail.hanoi.gov.vn.", "Email: T•••@•••.vn."),
    ("0912345678@gmail.com", "0•••@•••.com"),
    ("(hoa.le@yahoo.com.vn)", "(h•••@•••.vn)"),
    ("gửi về an @ gmail.com", "gửi về a•••@•••.com"),
    ("gửi về an＠gmail.com", "gửi về a•••@•••.com"),
    ("Thư: lê.thị@bưuđiện.vn", "Thư: l•••@•••.vn"),
    ("a@b.co và 0912345678", "a•••@•••.co và •••••••678"),
])
def test_email_addresses_are_masked(text, masked):
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize("text", ["Gặp nhau @ 8 giờ", "@UBND_phuong", "giá 5@10.000đ", "file bao-cao.pdf"])
def test_what_is_not_an_email_address_is_left_alone(text):
    assert mask_personal_data(text) == text


def test_vietnamese_alphabetical_order():
    from app.core.text import vi_sort_key

    names = ["Xóa đăng ký thường trú", "Chứng thực bản sao", "Đăng ký khai sinh", "Cấp bản sao trích lục",
             "Cấp đổi", "Cáp", "Cạp", "Cà", "Ca", "Cả", "Cã", "Cá", "Că", "Câ", "Da", "Đa", "dọn", "Bàn"]
    assert sorted(names, key=vi_sort_key) == [
        "Bàn", "Ca", "Cà", "Cả", "Cã", "Cá", "Că", "Câ", "Cáp", "Cạp", "Cấp bản sao trích lục", "Cấp đổi",
        "Chứng thực bản sao", "Da", "Đa", "Đăng ký khai sinh", "dọn", "Xóa đăng ký thường trú"]
    assert sorted(["ơ", "ô", "o"], key=vi_sort_key) == ["o", "ô", "ơ"]
    assert sorted(["ư", "u"], key=vi_sort_key) == ["u", "ư"]


def test_search_fold_makes_i_and_y_spellings_one():
    from app.core.text import search_fold

    assert search_fold("Đăng ký") == search_fold("dang ki") == "dang ky"
    assert search_fold("Quí") == "quy" and search_fold("kim") == "kim" and search_fold("tiền") == "tien"
