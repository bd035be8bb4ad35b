"""Dates that keep their precision.

The data contract writes a date at day, month or year precision (``2024-09-27``,
``2025-09``, ``2014``): the form *is* the precision. A month-precision deadline
is due by the month's last day, so every comparison goes through
:meth:`PartialDate.first_day` or :meth:`PartialDate.last_day`, never through a
made-up "first of the month".

An uncertain date is an ISO 8601 interval ``A/B`` (:class:`DateInterval`):
"sometime between A and B", each end at any of the three precisions. It is for
two sources that disagree or a departure that happened in stages; precision is a
different thing and stays what it is. Both types answer ``first_day()``,
``last_day()``, ``precision`` and ``iso``, so code that only needs the earliest
and latest possible day does not care which it holds.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Precision = Literal["year", "month", "day"]

# Exactly the three ISO forms: four-digit year, two-digit month, two-digit day.
# "2025-9-1", "2025-13" and "31/08/2021" do not match (or fail the range check).
_ISO_FORM = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)

# Arabic-Indic (U+0660..) and Extended Arabic-Indic (Persian, U+06F0..) digits.
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
EXTENDED_ARABIC_INDIC_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
_TO_WESTERN = str.maketrans(ARABIC_INDIC_DIGITS + EXTENDED_ARABIC_INDIC_DIGITS, "0123456789" * 2)


class DateFormatError(ValueError):
    """A string is not an ISO date at day, month or year precision."""


@dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date known to day, month or year precision."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

        Arabic-Indic digits (``٢٠٢٥-٠٩``) are normalised to Western digits:
        analysts paste dates from Arabic news pages, and the value is
        unambiguous. Anything else raises :class:`DateFormatError`.
        """
        western = text.strip().translate(_TO_WESTERN)
        match = _ISO_FORM.match(western)
        if not match:
            raise DateFormatError(f"{text!r} is not a date: expected YYYY-MM-DD, YYYY-MM or YYYY")
        year, month, day = (int(g) if g else None for g in match.groups())
        if year == 0:
            raise DateFormatError(f"{text!r}: year 0000 does not exist")
        if month is not None and not 1 <= month <= 12:
            raise DateFormatError(f"{text!r}: month {month:02d} is not 01-12")
        if day is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise DateFormatError(
                    f"{text!r}: day {day:02d} is not in {year}-{month:02d} (01-{last})"
                )
        return cls(year, month, day)

    @classmethod
    def from_date(cls, value: dt.date) -> PartialDate:
        """A day-precision date from a :class:`datetime.date`."""
        return cls(value.year, value.month, value.day)

    @property
    def precision(self) -> Precision:
        """``day``, ``month`` or ``year``: the form the date was written in."""
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    @property
    def iso(self) -> str:
        """The date as written: ``2025-09-30``, ``2025-09`` or ``2025``."""
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def first_day(self) -> dt.date:
        """The first day of the period (the day itself at day precision)."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        """The last day of the period: a month-precision deadline is due on it."""
        if self.day is not None:
            return dt.date(self.year, self.month, self.day)
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        return self.iso


@dataclass(frozen=True)
class DateInterval:
    """Sometime between ``low`` and ``high`` (ISO 8601 ``A/B``): an uncertain date."""

    low: PartialDate
    high: PartialDate

    @classmethod
    def parse(cls, text: str) -> DateInterval:
        """Parse ``A/B``: two dates, A wholly before B (``2021-07-01/2021-07-02``)."""
        parts = text.split("/")
        if len(parts) != 2 or not all(part.strip() for part in parts):
            raise DateFormatError(
                f"{text!r} is not a date range: expected A/B, e.g. 2025-11-26/2026-01-18"
            )
        low, high = (PartialDate.parse(part) for part in parts)
        if low.last_day() >= high.first_day():
            raise DateFormatError(
                f"{text!r}: a range runs forward, and {low.iso} does not end before "
                f"{high.iso} begins"
            )
        return cls(low, high)

    @property
    def precision(self) -> Literal["range"]:
        """Always ``range``: the text reads "between A and B"."""
        return "range"

    @property
    def iso(self) -> str:
        """The range as written: ``A/B``."""
        return f"{self.low.iso}/{self.high.iso}"

    def first_day(self) -> dt.date:
        """The earliest day the range allows."""
        return self.low.first_day()

    def last_day(self) -> dt.date:
        """The latest day the range allows."""
        return self.high.last_day()

    def __str__(self) -> str:
        return self.iso


#: A date as the data give it: a precise-to-its-precision date, or a range.
DateValue = PartialDate | DateInterval


def parse_date_value(text: str) -> DateValue:
    """Parse a data date: ``YYYY[-MM[-DD]]`` or an interval ``A/B`` of two of those."""
    parts = text.strip().translate(_TO_WESTERN).split("/")
    # "31/08/2021" is a day-first date, not a range: only ISO forms on both sides make one.
    if len(parts) == 2 and all(_ISO_FORM.match(part) for part in parts):
        return DateInterval.parse(text.strip())
    return PartialDate.parse(text)


def parse_as_of(text: str) -> dt.date:
    """Parse a report date, which is always a whole day (``YYYY-MM-DD``)."""
    value = PartialDate.parse(text)
    if value.precision != "day":
        raise DateFormatError(f"{text!r}: a report date needs a day (YYYY-MM-DD)")
    return value.first_day()
