"""The ingest assistant's reader: a new policy document's text → a draft catalogue entry.

Pure Python (no Django, no network). ``read_policy`` is the entry point; ``text_from_bytes``
and ``text_from_docx`` turn an uploaded file into text; every problem with the input is an
``IngestError`` whose message (in Chinese) can be shown to the person who uploaded it.
"""

from .errors import IngestError
from .reader import read_policy
from .textio import check_text, text_from_bytes, text_from_docx

__all__ = ["IngestError", "check_text", "read_policy", "text_from_bytes", "text_from_docx"]
