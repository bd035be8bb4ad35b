"""Dates that keep their precision.

The data contract writes a date at day, month or year precision (``2024-09-27``,
``2025-09``, ``2014``): the form *is* the precision. A month-precision deadline
is due by the month's last day, so every comparison goes through
:meth:`PartialDate.first_day` or :meth:`PartialDate.last_day`, never through a
made-up "first of the month".
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
        return cls(value.year, value.month, value.day)

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    @property
    def iso(self) -> str:
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        if self.day is not None:
            return dt.date(self.year, self.month, self.day)
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        return self.iso


def parse_as_of(text: str) -> dt.date:
    """Parse a report date, which is always a whole day (``YYYY-MM-DD``)."""
    value = PartialDate.parse(text)
    if value.precision != "day":
        raise DateFormatError(f"{text!r}: a report date needs a day (YYYY-MM-DD)")
    return value.first_day()
