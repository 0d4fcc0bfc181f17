"""Path converters whose shapes the OpenAPI description states (drf-spectacular reads the
regex of a registered converter), so that a client, and schemathesis, know them."""


class MonthConverter:
    regex = "[0-9]{4}-[0-9]{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class IdConverter:
    """A row id that fits a 64-bit column: a longer number is not found, not a server error."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)
