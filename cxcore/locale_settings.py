"""A workspace's time zone, currency and number format, and the one place that formats numbers,
money and times for people.

Settings (workspace settings, stored as JSON):

- ``timezone``: an IANA name such as ``"Europe/Berlin"`` (default ``"UTC"``). Stored times are
  UTC; they are shown in this zone. The importers read the same key to convert time-zone
  offsets at import.
- ``currency``: an ISO 4217 code such as ``"EUR"`` (default ``"USD"``).
- ``number_format``: how digits are grouped, one of :data:`NUMBER_FORMATS` (default
  ``"1,234.5"``).

Every formatter here rounds first and then prints, so a value that rounds to zero is shown as
``0`` and never as ``-0``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from cxcore import clock
from cxcore.errors import Problem, ValidationError

TIMEZONE_SETTING = "timezone"
CURRENCY_SETTING = "currency"
NUMBER_FORMAT_SETTING = "number_format"
DEFAULT_TIMEZONE = "UTC"
DEFAULT_CURRENCY = "USD"
#: Number formats by example: thousands separator and decimal mark.
NUMBER_FORMATS = {"1,234.5": (",", "."), "1.234,5": (".", ","), "1 234,5": ("\u202f", ","),
                  "1'234.5": ("'", ".")}
DEFAULT_NUMBER_FORMAT = "1,234.5"
#: Symbols printed before the amount for the common currencies; any other code is printed
#: as the code itself ("CHF 1,200").
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "AUD": "A$",
                    "CAD": "C$", "NZD": "NZ$"}
_CODE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Locale:
    """How one workspace shows times and numbers."""

    timezone: str = DEFAULT_TIMEZONE
    currency: str = DEFAULT_CURRENCY
    number_format: str = DEFAULT_NUMBER_FORMAT


DEFAULT = Locale()


def workspace_locale(session: Any) -> Locale:
    """The workspace's :class:`Locale` (defaults for anything not set or no longer valid)."""
    tz = session.setting(TIMEZONE_SETTING, DEFAULT_TIMEZONE)
    currency = session.setting(CURRENCY_SETTING, DEFAULT_CURRENCY)
    number_format = session.setting(NUMBER_FORMAT_SETTING, DEFAULT_NUMBER_FORMAT)
    return Locale(tz if _valid_zone(tz) else DEFAULT_TIMEZONE,
                  currency if isinstance(currency, str) and _CODE.match(currency)
                  else DEFAULT_CURRENCY,
                  number_format if number_format in NUMBER_FORMATS else DEFAULT_NUMBER_FORMAT)


def workspace_timezone(session: Any) -> ZoneInfo:
    """The workspace's time zone as a :class:`zoneinfo.ZoneInfo`."""
    return ZoneInfo(workspace_locale(session).timezone)


def _valid_zone(name: Any) -> bool:
    if not isinstance(name, str) or not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def timezone_names() -> list[str]:
    """The IANA time-zone names this machine knows, UTC first, then alphabetical."""
    names = sorted(n for n in available_timezones() if "/" in n and not n.startswith("Etc/"))
    return ["UTC", *names]


def set_locale(session: Any, *, timezone_name: str | None = None, currency: str | None = None,
               number_format: str | None = None) -> Locale:
    """Store the workspace's time zone, currency and/or number format (editors and owners).

    Each argument left ``None`` keeps its current value. Unknown time zones, currency codes
    that are not three letters, and unknown number formats are refused with a message naming
    the field; nothing is stored then."""
    session.require("editor")
    problems = []
    if timezone_name is not None and not _valid_zone(timezone_name):
        problems.append(Problem(TIMEZONE_SETTING, f"'{timezone_name}' is not a time zone name "
                                                  "(use an IANA name such as Europe/Berlin)"))
    code = currency.strip().upper() if isinstance(currency, str) else currency
    if code is not None and not (isinstance(code, str) and _CODE.match(code)):
        problems.append(Problem(CURRENCY_SETTING, f"'{currency}' is not an ISO 4217 currency "
                                                  "code (three letters, e.g. EUR)"))
    if number_format is not None and number_format not in NUMBER_FORMATS:
        problems.append(Problem(NUMBER_FORMAT_SETTING, f"'{number_format}' is not one of "
                                                       f"{', '.join(NUMBER_FORMATS)}"))
    if problems:
        raise ValidationError(problems)
    with session.db.atomic():
        if timezone_name is not None:
            session.set_setting(TIMEZONE_SETTING, timezone_name)
        if code is not None:
            session.set_setting(CURRENCY_SETTING, code)
        if number_format is not None:
            session.set_setting(NUMBER_FORMAT_SETTING, number_format)
    return workspace_locale(session)


# ---- numbers ------------------------------------------------------------------------------------

def _loc(where: Any) -> Locale:
    if where is None:
        return DEFAULT
    if isinstance(where, Locale):
        return where
    return workspace_locale(where)


def _rounded(value: float, decimals: int) -> float:
    out = round(float(value), decimals)
    return 0.0 if out == 0 else out  # no "-0"


def format_number(value: float, decimals: int = 0, where: Any = None, *,
                  signed: bool = False) -> str:
    """``value`` with the workspace's thousands separator and decimal mark, rounded to
    ``decimals``; ``signed`` adds "+" to positive values (zero has no sign)."""
    loc = _loc(where)
    number = _rounded(value, decimals)
    text = f"{abs(number):,.{decimals}f}"
    thousands, mark = NUMBER_FORMATS[loc.number_format]
    text = text.replace(",", "\0").replace(".", mark).replace("\0", thousands)
    sign = "-" if number < 0 else ("+" if signed and number > 0 else "")
    return sign + text


def format_pct(value: float | None, decimals: int = 1, where: Any = None,
               missing: str = "—") -> str:
    """A percentage: ``42.5 %``."""
    return missing if value is None else f"{format_number(value, decimals, where)} %"


def format_points(value: float | None, decimals: int = 0, where: Any = None,
                  missing: str = "—") -> str:
    """NPS-style points, signed: ``+31``, ``-4``, ``0``."""
    return missing if value is None else format_number(value, decimals, where, signed=True)


def format_pp(change: float | None, decimals: int = 1, where: Any = None,
              missing: str = "—") -> str:
    """A change of a percentage in percentage points: ``+2.5 pp``."""
    if change is None:
        return missing
    return f"{format_number(change, decimals, where, signed=True)} pp"


def currency_prefix(where: Any = None) -> str:
    """What is printed before an amount: the symbol for common currencies, else the code."""
    code = _loc(where).currency
    symbol = CURRENCY_SYMBOLS.get(code)
    return symbol if symbol else f"{code}\u00a0"


def format_money(value: float | None, where: Any = None, decimals: int = 0,
                 missing: str = "—", *, signed: bool = False) -> str:
    """An amount in the workspace's currency: ``$12,345``, ``€1.234``, ``CHF 900``,
    ``-$40``."""
    if value is None:
        return missing
    number = format_number(value, decimals, where, signed=signed)
    sign = number[0] if number[:1] in "+-" else ""
    return f"{sign}{currency_prefix(where)}{number[len(sign):]}"


# ---- times --------------------------------------------------------------------------------------

def to_workspace_time(value: str | datetime, where: Any = None) -> datetime:
    """A stored time (ISO text or datetime; naive = UTC) in the workspace's time zone."""
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(ZoneInfo(_loc(where).timezone))


def format_time(value: str | datetime | None, where: Any = None, missing: str = "") -> str:
    """A stored time as people read it in the workspace's zone: ``5 Jan 2026 14:05 CET``."""
    if not value:
        return missing
    try:
        when = to_workspace_time(value, where)
    except ValueError:
        return str(value)
    return f"{when.day} {when:%b %Y %H:%M} {when.tzname()}"


def format_date(value: str | date | None, missing: str = "") -> str:
    """A date as the workspace's pages show one: ``15 Oct 2026`` (the date part of an ISO
    date-time is used as stored; text that is not a date is returned as it is)."""
    if not value:
        return missing
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.day} {day:%b %Y}"


def today(where: Any = None) -> date:
    """Today's date in the workspace's time zone (from :func:`cxcore.clock.now_iso`)."""
    return to_workspace_time(clock.now_iso(), where).date()
