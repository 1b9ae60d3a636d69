"""Tests for huoban.lib.ids (USCC, mobile numbers, resident IDs).

These tests need no database and no settings: they assert on ``ValidationError.code`` and
``params``. Rendering the (lazy) Chinese messages needs a set-up Django, so the few tests
that check message text are skipped unless Django is ready (as under pytest-django).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc
from stdnum.iso7064 import mod_11_2

from huoban.lib.ids import (
    USCC_CHARSET,
    mask_mobile,
    mask_resident_id,
    normalize_mobile,
    resident_id_check_char,
    uscc_check_char,
    validate_mobile,
    validate_resident_id,
    validate_uscc,
)

needs_settings = pytest.mark.skipif(
    not apps.ready,
    reason="rendering translated messages needs configured Django (pytest-django)",
)


def _error(func, value, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        func(value, **kwargs)
    return excinfo.value


def _make_uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


# ---------------------------------------------------------------------------
# USCC
# ---------------------------------------------------------------------------

# Published codes of well-known companies (and the example used in GB 32100 material).
REAL_USCCS = [
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "914403001922038216",  # 华为技术有限公司
    "91350100M000100Y43",  # example code widely used in GB 32100 guidance
    "91110000600037341L",  # python-stdnum's documented example
]

GENERATED_USCCS = [
    _make_uscc("N2310115MA1K3Y8P0"),  # 农业: farmers' cooperative style
    _make_uscc("N1440106000000000"),
    _make_uscc("Y1110108MA01ABCD1"),  # 其他
    _make_uscc("A1100000MB0000001"),  # 军队
    _make_uscc("52100000500021676"),  # 民政: social organisation
    _make_uscc("12100000400000624"),  # 机构编制: public institution
]


@pytest.mark.parametrize("code", REAL_USCCS + GENERATED_USCCS)
def test_it_accepts_valid_usccs(code):
    assert validate_uscc(code) == code


def test_it_includes_n_and_y_prefixed_codes():
    assert any(code.startswith("N") for code in GENERATED_USCCS)
    assert any(code.startswith("Y") for code in GENERATED_USCCS)


@pytest.mark.parametrize("code", REAL_USCCS)
def test_it_computes_the_published_check_chars(code):
    assert uscc_check_char(code[:17]) == code[17]


def test_it_strips_surrounding_whitespace_from_uscc():
    assert validate_uscc("  9144030071526726XG\t\n") == "9144030071526726XG"


def test_it_rejects_empty_uscc():
    assert _error(validate_uscc, "   ").code == "required"


@pytest.mark.parametrize("value", ["9144030071526726X", "9144030071526726XGG", "91440300"])
def test_it_rejects_uscc_of_wrong_length(value):
    err = _error(validate_uscc, value)
    assert err.code == "invalid_length"
    assert err.params == {"length": len(value)}


def test_it_counts_length_after_stripping():
    err = _error(validate_uscc, " 9144030071526726X ")
    assert err.params == {"length": 17}


def test_it_does_not_silently_upper_case_uscc():
    err = _error(validate_uscc, "9144030071526726xg")
    assert err.code == "lowercase"
    assert err.params == {"position": 17, "char": "x", "upper": "X"}


@pytest.mark.parametrize(
    ("value", "position", "char"),
    [
        ("91440300715267O6XG", 15, "O"),
        ("9144030071526726XI", 18, "I"),
        ("91440300Z15267260G", 9, "Z"),
        ("91440300715S6726XG", 12, "S"),
        ("9144030071526726VG", 17, "V"),
        ("91440300715267o6XG", 15, "o"),  # lower-case look-alike: not "use upper case"
    ],
)
def test_it_names_forbidden_letters_and_their_position(value, position, char):
    err = _error(validate_uscc, value)
    assert err.code == "forbidden_letter"
    assert err.params["position"] == position
    assert err.params["char"] == char


@pytest.mark.parametrize(
    ("value", "position", "char"),
    [
        ("9144030071526726-G", 17, "-"),
        ("91440300 71526726X", 9, " "),
        ("914403007152672#XG", 16, "#"),
        ("914403007152672中XG", 16, "中"),
    ],
)
def test_it_rejects_other_invalid_uscc_characters(value, position, char):
    err = _error(validate_uscc, value)
    assert err.code == "invalid_character"
    assert err.params == {"position": position, "char": char}


def test_it_points_out_fullwidth_characters_in_uscc():
    err = _error(validate_uscc, "91440300715267２6XG")
    assert err.code == "fullwidth"
    assert err.params == {"position": 15, "char": "２"}


@pytest.mark.parametrize("first", ["0", "B", "C", "M", "X"])
def test_it_rejects_unknown_registration_authority(first):
    code = _make_uscc(first + "1440300715267266")
    err = _error(validate_uscc, code)
    assert err.code == "invalid_authority"
    assert err.params == {"char": first}


def test_it_rejects_letters_in_the_division_code():
    code = _make_uscc("91440A00715267266")
    err = _error(validate_uscc, code)
    assert err.code == "invalid_division"
    assert err.params == {"position": 6, "char": "A"}


def test_it_rejects_a_wrong_uscc_check_char():
    err = _error(validate_uscc, "9144030071526726XH")
    assert err.code == "invalid_check_char"


def test_it_detects_a_mistyped_uscc_digit():
    # Same check char, one digit changed in the organisation code.
    assert _error(validate_uscc, "9144030071526736XG").code == "invalid_check_char"


def test_it_requires_17_charset_characters_for_the_check_char():
    with pytest.raises(ValueError, match="17"):
        uscc_check_char("914403007152672")
    with pytest.raises(ValueError, match="charset"):
        uscc_check_char("9144030071526726I")


_USCC_AUTHORITIES = "123456789ANY"
_digit = st.sampled_from("0123456789")
_charset_char = st.sampled_from(USCC_CHARSET)
uscc_prefixes = st.builds(
    lambda first, second, division, org: first + second + "".join(division) + "".join(org),
    st.sampled_from(_USCC_AUTHORITIES),
    _charset_char,
    st.lists(_digit, min_size=6, max_size=6),
    st.lists(_charset_char, min_size=9, max_size=9),
)


@hypothesis_settings(database=None)
@given(uscc_prefixes)
def test_it_validates_exactly_the_computed_check_char(first17):
    check = uscc_check_char(first17)
    assert check in USCC_CHARSET
    assert check == stdnum_uscc.calc_check_digit(first17)
    assert validate_uscc(first17 + check) == first17 + check
    for other in USCC_CHARSET.replace(check, ""):
        with pytest.raises(ValidationError) as excinfo:
            validate_uscc(first17 + other)
        assert excinfo.value.code == "invalid_check_char"


@needs_settings
def test_it_explains_uscc_errors_in_chinese():
    from django.utils import translation

    with translation.override("zh-hans"):
        length = _error(validate_uscc, "9144030071526726X").messages[0]
        assert "18位" in length
        assert "17位" in length
        letter = _error(validate_uscc, "91440300715267O6XG").messages[0]
        assert "第15位" in letter
        assert "“O”" in letter
        assert "大写" in _error(validate_uscc, "9144030071526726xg").messages[0]
        assert "营业执照" in _error(validate_uscc, "9144030071526726XH").messages[0]


# ---------------------------------------------------------------------------
# Mobile numbers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "8613812345678",
        "008613812345678",
        " 13812345678 ",
        "１３８１２３４５６７８",
    ],
)
def test_it_normalises_common_mobile_forms(value):
    assert normalize_mobile(value) == "13812345678"
    assert validate_mobile(value) == "13812345678"


@pytest.mark.parametrize("value", ["17012345678", "19912345678", "15000000000"])
def test_it_accepts_other_mobile_ranges(value):
    assert validate_mobile(value) == value


def test_it_rejects_empty_mobile():
    assert _error(validate_mobile, "  ").code == "required"
    assert _error(normalize_mobile, "").code == "required"


@pytest.mark.parametrize("value", ["abc", "138abcd5678", "138 1234 567a", "+", "--"])
def test_it_rejects_non_numeric_mobile(value):
    assert _error(validate_mobile, value).code == "invalid_format"


@pytest.mark.parametrize(("value", "length"), [("1381234567", 10), ("138123456789", 12)])
def test_it_reports_the_mobile_digit_count(value, length):
    err = _error(validate_mobile, value)
    assert err.code == "invalid_length"
    assert err.params == {"length": length}


@pytest.mark.parametrize("value", ["+852 9123 4567", "+1 650 253 0000", "+886 912 345 678"])
def test_it_rejects_numbers_outside_the_mainland(value):
    assert _error(validate_mobile, value).code == "not_mainland"


@pytest.mark.parametrize("value", ["010-12345678", "01012345678", "021 6123 4567"])
def test_it_rejects_fixed_line_numbers(value):
    assert _error(validate_mobile, value).code == "not_mobile"


def test_it_rejects_unallocated_mobile_ranges():
    assert _error(validate_mobile, "12345678901").code == "invalid"


def test_it_normalises_shape_only():
    # normalize_mobile checks the shape; validate_mobile also checks the range.
    assert normalize_mobile("12345678901") == "12345678901"


@needs_settings
def test_it_explains_mobile_errors_in_chinese():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert "13812345678" in _error(validate_mobile, "abc").messages[0]
        assert "手机号码" in _error(validate_mobile, "12345678901").messages[0]


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("", ""),
        ("   ", ""),
        ("1", "*"),
        ("1234", "***4"),
        ("12345678", "******78"),
    ],
)
def test_it_masks_mobile_numbers(value, masked):
    assert mask_mobile(value) == masked


# ---------------------------------------------------------------------------
# Resident IDs
# ---------------------------------------------------------------------------

VALID_RESIDENT_IDS = [
    "11010519491231002X",  # GB 11643-1999 example
    "440524188001010014",  # GB 11643-1999 example
    "310101199001011234"[:17] + resident_id_check_char("31010119900101123"),
]


@pytest.mark.parametrize("number", VALID_RESIDENT_IDS)
def test_it_accepts_valid_resident_ids(number):
    assert validate_resident_id(number) == number


def test_it_agrees_with_iso_7064_mod_11_2():
    for first17 in ["11010519491231002", "44052418800101001", "31010119900101123"]:
        assert resident_id_check_char(first17) == mod_11_2.calc_check_digit(first17)


def test_it_accepts_lower_case_x_and_returns_upper_case():
    assert validate_resident_id(" 11010519491231002x ") == "11010519491231002X"


def test_it_does_not_check_the_area_code():
    first17 = "99999919900101123"
    number = first17 + resident_id_check_char(first17)
    assert validate_resident_id(number) == number


def test_it_rejects_empty_resident_id():
    assert _error(validate_resident_id, "").code == "required"


def test_it_recognises_old_15_digit_ids():
    assert _error(validate_resident_id, "110105491231002").code == "legacy_id"


@pytest.mark.parametrize("value", ["11010519491231002", "11010519491231002XX", "1101"])
def test_it_rejects_resident_ids_of_wrong_length(value):
    err = _error(validate_resident_id, value)
    assert err.code == "invalid_length"
    assert err.params == {"length": len(value)}


@pytest.mark.parametrize(
    ("value", "position"),
    [
        ("1101051949123100XX", 17),
        ("11010519491231002A", 18),
        ("1101051949A231002X", 11),
        ("11010519491231００2X", 15),
        ("x10105194912310021", 1),
    ],
)
def test_it_rejects_bad_resident_id_characters(value, position):
    err = _error(validate_resident_id, value)
    assert err.code == "invalid_character"
    assert err.params["position"] == position


@pytest.mark.parametrize("birth", ["19490230", "19491301", "19490000", "20230229"])
def test_it_rejects_impossible_birth_dates(birth):
    first17 = "110105" + birth + "002"
    err = _error(validate_resident_id, first17 + resident_id_check_char(first17))
    assert err.code == "invalid_birth_date"
    assert err.params == {"date": f"{birth[:4]}年{birth[4:6]}月{birth[6:]}日"}


def test_it_accepts_a_leap_day():
    first17 = "11010520240229002"
    number = first17 + resident_id_check_char(first17)
    assert validate_resident_id(number) == number


def test_it_rejects_future_birth_dates():
    first17 = "11010520990101002"
    err = _error(validate_resident_id, first17 + resident_id_check_char(first17))
    assert err.code == "future_birth_date"


def test_it_compares_birth_dates_with_the_given_day():
    first17 = "11010520250601002"
    number = first17 + resident_id_check_char(first17)
    assert validate_resident_id(number, today=date(2025, 6, 1)) == number
    err = _error(validate_resident_id, number, today=date(2025, 5, 31))
    assert err.code == "future_birth_date"


@pytest.mark.parametrize("number", VALID_RESIDENT_IDS)
def test_it_rejects_a_wrong_resident_id_check_char(number):
    for other in "0123456789X".replace(number[-1], ""):
        assert _error(validate_resident_id, number[:-1] + other).code == "invalid_check_char"


def test_it_rejects_a_mistyped_resident_id_digit():
    assert _error(validate_resident_id, "11010519491231003X").code == "invalid_check_char"


@needs_settings
def test_it_explains_resident_id_errors_in_chinese():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert "18位" in _error(validate_resident_id, "1101").messages[0]
        assert "出生日期" in _error(validate_resident_id, "110105194902300021").messages[0]


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("11010519491231002X", "110***********002X"),
        (" 310101199001011234 ", "310***********1234"),
        ("", ""),
        ("123", "***"),
        ("12345678", "******78"),
    ],
)
def test_it_masks_resident_ids(value, masked):
    assert mask_resident_id(value) == masked
