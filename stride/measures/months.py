"""The months a measure is counted over: a month is its first day."""

from datetime import date, timedelta

from stride.participation.countable import add_months


def month_of(day: date) -> date:
    return day.replace(day=1)


def last_day(month: date) -> date:
    return add_months(month, 1) - timedelta(days=1)


def months_up_to(month: date, count: int) -> list[date]:
    """`count` months ending with `month`, oldest first."""
    return [add_months(month, offset) for offset in range(1 - count, 1)]
