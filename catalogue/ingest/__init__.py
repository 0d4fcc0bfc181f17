"""The ingest assistant's reader: a new policy document's text → a draft catalogue entry.

Pure Python (no Django, no network). ``read_policy`` is the entry point; ``text_from_bytes``
and ``text_from_docx`` turn an uploaded file into text, ``read_file`` reads one from disk
(``check_size`` applies the one size limit, ``MAX_DOCUMENT_BYTES``); every problem with the input is an
``IngestError`` whose message (in Chinese) can be shown to the person who uploaded it.
"""

from .errors import IngestError
from .reader import read_policy
from .textio import MAX_DOCUMENT_BYTES, check_size, check_text, read_file, text_from_bytes, text_from_docx

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "IngestError",
    "check_size",
    "check_text",
    "read_file",
    "read_policy",
    "text_from_bytes",
    "text_from_docx",
]
