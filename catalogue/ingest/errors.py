"""The one exception the ingest reader raises."""


class IngestError(ValueError):
    """Input that cannot be read as a policy document; the message is for the person who uploaded it."""
