"""Validation and normalisation of Chinese identifiers.

This module is pure Python (no models, no settings access at import time) so it can be
used from forms, model field validators, services and management commands alike.

Covered identifiers:

* 统一社会信用代码 (unified social credit code, USCC) per GB 32100-2015;
* 中国大陆手机号码 (mainland China mobile numbers), parsed with ``phonenumbers``;
* 居民身份证号码 (18-digit resident identity card number) per GB 11643-1999.

Every validator strips surrounding whitespace, returns the cleaned value and raises
:class:`django.core.exceptions.ValidationError` with a specific Simplified Chinese message
(the msgid; English comes from the translation catalogue) and a distinct ``code``, so that
callers can override messages per failure and tests can assert on the code. Values that
the message mentions (lengths, positions, characters) are passed as ``params``.

We deliberately do not "fix" user input silently where the user should notice the
mistake (e.g. lower-case letters in a USCC); the one exception is a lower-case ``x`` as
the check character of a resident ID, which is ordinary usage and is upper-cased.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Final

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from phonenumbers import NumberParseException, PhoneNumberType

__all__ = [
    "USCC_CHARSET",
    "mask_mobile",
    "mask_resident_id",
    "normalize_mobile",
    "resident_id_check_char",
    "uscc_check_char",
    "validate_mobile",
    "validate_resident_id",
    "validate_uscc",
]

# ---------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015)
# ---------------------------------------------------------------------------

#: The 31 characters a USCC may contain, in the order that defines their numeric value
#: for the check character (I, O, Z, S and V are never used).
USCC_CHARSET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"

#: Weights for positions 1-17 (3**i mod 31).
USCC_WEIGHTS: Final = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

#: Valid registration-authority codes (position 1): 1-9 for the authorities of the
#: original standard and its 2016 extensions, A for the military, N for agriculture
#: (e.g. farmers' cooperatives / rural collective economic organisations), Y for others.
USCC_AUTHORITY_CODES: Final = "123456789ANY"

USCC_LENGTH: Final = 18

_USCC_FORBIDDEN_LETTERS: Final = "IOZSV"

#: Letters that users typically type instead of a look-alike character.
_USCC_LOOKALIKES: Final[dict[str, Promise]] = {
    "I": _("数字 1"),
    "O": _("数字 0"),
    "Z": _("数字 2"),
    "S": _("数字 5"),
    "V": _("字母 U 或 Y"),
}


def uscc_check_char(first17: str) -> str:
    """Return the check character (position 18) for the first 17 characters of a USCC.

    ``first17`` must consist of exactly 17 characters from :data:`USCC_CHARSET`;
    otherwise :class:`ValueError` is raised (this is a programming helper, not a form
    validator). The check is ``(31 - Σ value(cᵢ)·wᵢ mod 31) mod 31`` mapped back to
    the charset.
    """
    if len(first17) != len(USCC_WEIGHTS):
        raise ValueError(f"expected 17 characters, got {len(first17)}")
    try:
        total = sum(
            USCC_CHARSET.index(char) * weight
            for char, weight in zip(first17, USCC_WEIGHTS, strict=True)
        )
    except ValueError:
        raise ValueError(f"{first17!r} contains characters outside the USCC charset") from None
    return USCC_CHARSET[(31 - total % 31) % 31]


def _is_fullwidth(char: str) -> bool:
    """Return whether ``char`` is a full-width ASCII variant or the ideographic space."""
    return "\uff01" <= char <= "\uff5e" or char == "\u3000"


def validate_uscc(value: str) -> str:
    """Validate a unified social credit code (统一社会信用代码) and return it cleaned.

    Surrounding whitespace is stripped; nothing else is changed. Checks, in order:
    emptiness, length (18), the forbidden letters I/O/Z/S/V, full-width and other
    invalid characters, lower-case letters, the registration-authority code (position 1),
    the administrative division code (positions 3-8, digits) and the check character.

    Error codes: ``required``, ``invalid_length``, ``forbidden_letter``, ``fullwidth``,
    ``invalid_character``, ``lowercase``, ``invalid_authority``, ``invalid_division``,
    ``invalid_check_char``.
    """
    code = (value or "").strip()
    if not code:
        raise ValidationError(_("请输入统一社会信用代码。"), code="required")

    if len(code) != USCC_LENGTH:
        raise ValidationError(
            _(
                "统一社会信用代码应为18位，您输入了%(length)d位，"
                "请对照营业执照或登记证书核对是否多输或漏输。"
            ),
            code="invalid_length",
            params={"length": len(code)},
        )

    # Forbidden letters first (either case): a user who typed "o" for "0" must not be
    # told to write it as upper-case "O".
    for position, char in enumerate(code, start=1):
        if char.isascii() and char.upper() in _USCC_FORBIDDEN_LETTERS:
            raise ValidationError(
                _(
                    "统一社会信用代码不使用字母 I、O、Z、S、V，第%(position)d位的“%(char)s”"
                    "可能应为%(lookalike)s，请对照营业执照核对。"
                ),
                code="forbidden_letter",
                params={
                    "position": position,
                    "char": char,
                    "lookalike": _USCC_LOOKALIKES[char.upper()],
                },
            )

    for position, char in enumerate(code, start=1):
        if char.isascii() and char.upper() in USCC_CHARSET:
            continue
        if _is_fullwidth(char):
            raise ValidationError(
                _(
                    "统一社会信用代码第%(position)d位的“%(char)s”是全角字符，"
                    "请切换到半角（英文）输入法后重新输入。"
                ),
                code="fullwidth",
                params={"position": position, "char": char},
            )
        raise ValidationError(
            _(
                "统一社会信用代码第%(position)d位的“%(char)s”不是有效字符。"
                "代码只能包含数字和大写英文字母（不含 I、O、Z、S、V）。"
            ),
            code="invalid_character",
            params={"position": position, "char": char},
        )

    for position, char in enumerate(code, start=1):
        if char.islower():
            raise ValidationError(
                _(
                    "统一社会信用代码中的字母必须大写：第%(position)d位的“%(char)s”"
                    "应写作“%(upper)s”，请改为大写后重新输入。"
                ),
                code="lowercase",
                params={"position": position, "char": char, "upper": char.upper()},
            )

    if code[0] not in USCC_AUTHORITY_CODES:
        raise ValidationError(
            _(
                "统一社会信用代码第1位是登记管理部门代码，应为数字1至9或字母A、N、Y，"
                "您输入的是“%(char)s”，请核对。"
            ),
            code="invalid_authority",
            params={"char": code[0]},
        )

    for position in range(3, 9):
        char = code[position - 1]
        if not char.isdigit():
            raise ValidationError(
                _(
                    "统一社会信用代码第3至8位是行政区划代码，只能是数字，"
                    "但第%(position)d位是“%(char)s”，请核对。"
                ),
                code="invalid_division",
                params={"position": position, "char": char},
            )

    if code[-1] != uscc_check_char(code[:-1]):
        raise ValidationError(
            _(
                "统一社会信用代码的校验位（第18位）与前17位不符，可能有字符输错，"
                "请对照营业执照或登记证书逐位核对。"
            ),
            code="invalid_check_char",
        )
    return code


# ---------------------------------------------------------------------------
# 手机号码
# ---------------------------------------------------------------------------

MOBILE_LENGTH: Final = 11

#: Characters people use when writing phone numbers (after NFKC normalisation, so
#: full-width digits and punctuation are accepted too).
_PHONE_CHARS_RE: Final = re.compile(r"[0-9+\-().\s]+")

_MOBILE_TYPES: Final = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})


def _format_error() -> ValidationError:
    return ValidationError(_("请输入11位手机号码，例如 13812345678。"), code="invalid_format")


def _parse_cn_number(value: str) -> phonenumbers.PhoneNumber:
    """Parse ``value`` as a phone number in the +86 region or raise ValidationError."""
    raw = unicodedata.normalize("NFKC", value or "").strip()
    if not raw:
        raise ValidationError(_("请输入手机号码。"), code="required")
    if not _PHONE_CHARS_RE.fullmatch(raw) or not any(c.isdigit() for c in raw):
        raise _format_error()
    try:
        number = phonenumbers.parse(raw, "CN")
    except NumberParseException:
        raise _format_error() from None
    if number.country_code != 86:
        raise ValidationError(
            _("目前只支持中国大陆手机号码（+86），请填写11位大陆手机号码，例如 13812345678。"),
            code="not_mainland",
        )
    return number


def _national_mobile(number: phonenumbers.PhoneNumber) -> str:
    """Return the 11-digit national number or raise a format/length ValidationError."""
    national = phonenumbers.national_significant_number(number)
    if len(national) != MOBILE_LENGTH:
        raise ValidationError(
            _("手机号码应为11位数字，您输入了%(length)d位，例如 13812345678。"),
            code="invalid_length",
            params={"length": len(national)},
        )
    if not national.startswith("1"):
        raise _format_error()
    return national


def normalize_mobile(value: str) -> str:
    """Return the 11-digit national form (``"13812345678"``) of a mainland mobile number.

    Accepts the usual ways of writing one: ``13812345678``, ``138 1234 5678``,
    ``138-1234-5678``, ``+86 138 1234 5678``, ``8613812345678``, ``0086…`` and
    full-width digits. This only checks the *shape* (a +86 number with 11 digits
    starting with 1); use :func:`validate_mobile` to also check that the number
    range exists and is a mobile range.

    Error codes: ``required``, ``invalid_format``, ``not_mainland``, ``invalid_length``.
    """
    return _national_mobile(_parse_cn_number(value))


def validate_mobile(value: str) -> str:
    """Validate a mainland China mobile number and return its 11-digit national form.

    Like :func:`normalize_mobile`, and additionally requires ``phonenumbers`` to
    consider the number valid and of type MOBILE (or FIXED_LINE_OR_MOBILE).

    Error codes: those of :func:`normalize_mobile`, plus ``not_mobile`` (a valid
    fixed-line number) and ``invalid`` (no such mobile number range).
    """
    number = _parse_cn_number(value)
    if (
        phonenumbers.is_valid_number(number)
        and phonenumbers.number_type(number) == PhoneNumberType.FIXED_LINE
    ):
        raise ValidationError(
            _("这是固定电话号码，请填写11位手机号码，例如 13812345678。"),
            code="not_mobile",
        )
    national = _national_mobile(number)
    if not (
        phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in _MOBILE_TYPES
    ):
        raise ValidationError(
            _("这个号码不是有效的中国大陆手机号码，请检查是否有数字输错。"),
            code="invalid",
        )
    return national


def _mask(text: str, keep_start: int, keep_end: int) -> str:
    """Mask ``text`` keeping ``keep_start``/``keep_end`` characters when long enough.

    At least four characters are always hidden; strings too short for that are masked
    more aggressively and keep only their last quarter.
    """
    length = len(text)
    if length == 0:
        return ""
    if length >= keep_start + keep_end + 4:
        hidden = length - keep_start - keep_end
        return text[:keep_start] + "*" * hidden + text[length - keep_end :]
    shown = length // 4
    return "*" * (length - shown) + text[length - shown :]


_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1\d{2})\d{4}(\d{4})(?!\d)")


def mask_mobiles_in(text: str) -> str:
    """Mask every 11-digit mobile number inside free text (an error from a gateway, say)."""
    return _MOBILE_IN_TEXT.sub(r"\1****\2", text)


def mask_mobile(value: str) -> str:
    """Mask a mobile number for display, e.g. ``"13812345678"`` → ``"138****5678"``.

    The number is normalised first when possible (so ``+86 138 1234 5678`` gives the
    same result). Empty input gives ``""``; other unparseable or short input is masked
    as-is without raising.
    """
    text = (value or "").strip()
    if not text:
        return ""
    with contextlib.suppress(ValidationError):
        text = normalize_mobile(text)
    return _mask(text, 3, 4)


# ---------------------------------------------------------------------------
# 居民身份证号码 (GB 11643-1999)
# ---------------------------------------------------------------------------

RESIDENT_ID_LENGTH: Final = 18

#: ISO 7064 MOD 11-2 weights for positions 1-17 (2**(17-i) mod 11).
RESIDENT_ID_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

#: China Standard Time; mainland China has no daylight saving time.
_CHINA_TZ: Final = timezone(timedelta(hours=8), "Asia/Shanghai")


def resident_id_check_char(first17: str) -> str:
    """Return the ISO 7064 MOD 11-2 check character ("0"-"9" or "X") for 17 digits.

    Raises :class:`ValueError` unless ``first17`` is exactly 17 ASCII digits.
    """
    if len(first17) != len(RESIDENT_ID_WEIGHTS) or not (first17.isascii() and first17.isdigit()):
        raise ValueError(f"expected 17 digits, got {first17!r}")
    total = sum(
        int(digit) * weight for digit, weight in zip(first17, RESIDENT_ID_WEIGHTS, strict=True)
    )
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


def _china_today() -> date:
    return datetime.now(UTC).astimezone(_CHINA_TZ).date()


def validate_resident_id(value: str, *, today: date | None = None) -> str:
    """Validate an 18-digit resident identity card number and return it cleaned.

    Surrounding whitespace is stripped and a lower-case ``x`` check character is
    upper-cased. Checks: length (a 15-digit first-generation number gets its own
    message), characters (17 digits + digit or X), the birth date in positions 7-14
    (a real date, not after ``today``, which defaults to today's date in China) and
    the ISO 7064 MOD 11-2 check character. The area code (positions 1-6) is *not*
    checked against a list: numbers issued under abolished codes remain valid.

    Error codes: ``required``, ``legacy_id``, ``invalid_length``, ``invalid_character``,
    ``invalid_birth_date``, ``future_birth_date``, ``invalid_check_char``.
    """
    number = (value or "").strip()
    if not number:
        raise ValidationError(_("请输入身份证号码。"), code="required")
    if number[-1] == "x":
        number = number[:-1] + "X"

    if len(number) != RESIDENT_ID_LENGTH:
        if len(number) == 15 and number.isascii() and number.isdigit():
            raise ValidationError(
                _("这是15位的旧版身份证号码，请填写18位的居民身份证号码。"),
                code="legacy_id",
            )
        raise ValidationError(
            _("身份证号码应为18位，您输入了%(length)d位，请核对是否多输或漏输。"),
            code="invalid_length",
            params={"length": len(number)},
        )

    for position, char in enumerate(number, start=1):
        if char.isascii() and char.isdigit():
            continue
        if position == RESIDENT_ID_LENGTH:
            if char != "X":
                raise ValidationError(
                    _("身份证号码的最后一位应为数字或字母 X，您输入的是“%(char)s”。"),
                    code="invalid_character",
                    params={"position": position, "char": char},
                )
        elif char in "Xx":
            raise ValidationError(
                _("字母 X 只能出现在身份证号码的最后一位，第%(position)d位应为数字。"),
                code="invalid_character",
                params={"position": position, "char": char},
            )
        elif _is_fullwidth(char):
            raise ValidationError(
                _(
                    "身份证号码第%(position)d位的“%(char)s”是全角字符，"
                    "请切换到半角（英文）输入法后重新输入。"
                ),
                code="invalid_character",
                params={"position": position, "char": char},
            )
        else:
            raise ValidationError(
                _("身份证号码前17位只能是数字，第%(position)d位的“%(char)s”不是数字。"),
                code="invalid_character",
                params={"position": position, "char": char},
            )

    birth_text = number[6:14]
    shown_date = f"{birth_text[:4]}年{birth_text[4:6]}月{birth_text[6:]}日"
    try:
        birth_date = date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:]))
    except ValueError:
        raise ValidationError(
            _("身份证号码第7至14位的出生日期“%(date)s”不是有效日期，请核对。"),
            code="invalid_birth_date",
            params={"date": shown_date},
        ) from None
    if birth_date > (today or _china_today()):
        raise ValidationError(
            _("身份证号码中的出生日期“%(date)s”晚于今天，请核对。"),
            code="future_birth_date",
            params={"date": shown_date},
        )

    if number[-1] != resident_id_check_char(number[:-1]):
        raise ValidationError(
            _("身份证号码的校验码（最后一位）不正确，可能有数字输错，请对照身份证逐位核对。"),
            code="invalid_check_char",
        )
    return number


def mask_resident_id(value: str) -> str:
    """Mask a resident ID for display: first 3 and last 4 characters are kept.

    ``"310101199001011234"`` → ``"310***********1234"``. Empty input gives ``""``;
    short or malformed input is masked without raising.
    """
    return _mask((value or "").strip(), 3, 4)
