"""Path converters that turn hostile path segments into 404s instead of database errors.

PostgreSQL refuses NUL in text (DataError) and an `int` beyond the column's range
(NumericValueOutOfRange): both were 500s. Registered in civiportal/urls.py as `ref`
(references, keys, tokens) and `id` (database ids and list positions).
"""

from django.urls.converters import IntConverter, StringConverter

# Largest value of a PostgreSQL bigint (our BigAutoField primary keys).
MAX_ID = 2**63 - 1


class SafeStringConverter(StringConverter):
    """A path segment without NUL or other control characters."""

    regex = r"[^/\x00-\x1f\x7f]+"


class SafeIdConverter(IntConverter):
    """A non-negative integer that fits a bigint; anything longer never matches."""

    regex = r"[0-9]{1,18}"

    def to_python(self, value):
        number = int(value)
        if number > MAX_ID:
            raise ValueError(value)
        return number
