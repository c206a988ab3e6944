"""ISO 8601 dates known to the day, the month or only the year.

A source often gives "July 2017" or "2017"; such a date is kept at the precision it was given
(xsd:gYearMonth, xsd:gYear) instead of being padded to a day nobody stated.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

import pyoxigraph as ox

from ..vocab import XSD

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """`2017-07-24`, `2017-07` or `2017`; ValueError says what is wrong with anything else."""
        m = _DATE_RE.match(text)
        if not m:
            raise ValueError(f"{text!r} is not an ISO date (YYYY-MM-DD, YYYY-MM or YYYY)")
        year = int(m.group(1))
        month = int(m.group(2)) if m.group(2) else None
        day = int(m.group(3)) if m.group(3) else None
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"{text!r} has no month {month}")
        if day is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"{text!r} is not a real date: {calendar.month_name[month]} {year} has {last} days")
        return cls(year, month, day)

    @property
    def is_full(self) -> bool:
        return self.day is not None

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        """The last day the date can stand for: for `2017-07`, 31 July 2017."""
        if self.day is not None:
            return dt.date(self.year, self.month, self.day)
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def literal(self) -> ox.Literal:
        if self.day is not None:
            return ox.Literal(str(self), datatype=XSD.date)
        if self.month is not None:
            return ox.Literal(str(self), datatype=XSD.gYearMonth)
        return ox.Literal(str(self), datatype=XSD.gYear)

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
            if self.day is not None:
                text += f"-{self.day:02d}"
        return text


def date_literal(day: dt.date) -> ox.Literal:
    return ox.Literal(day.isoformat(), datatype=XSD.date)
