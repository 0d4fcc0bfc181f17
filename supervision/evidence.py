"""Evidence files (佐证材料): what a file is, read from its first bytes (never from its
name), and the storage outside the web root they are kept in.

Accepted: PDF, PNG, JPEG, GIF, WebP, Office 2007+ documents (docx, xlsx, pptx: a zip
holding [Content_Types].xml and the part folder of its kind, read from the zip's
directory without unpacking), and Office 97–2003 documents (an OLE compound file).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    label: str
    extension: str
    content_type: str


PDF = FileKind("PDF", "pdf", "application/pdf")
PNG = FileKind("PNG 图片", "png", "image/png")
JPEG = FileKind("JPEG 图片", "jpg", "image/jpeg")
GIF = FileKind("GIF 图片", "gif", "image/gif")
WEBP = FileKind("WebP 图片", "webp", "image/webp")
DOCX = FileKind("Word 文档", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileKind("Excel 表格", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PPTX = FileKind(
    "PowerPoint 演示文稿", "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"
)
OLE = FileKind("Office 97-2003 文档", "doc", "application/octet-stream")

OOXML_PARTS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
ACCEPTED = gettext_lazy("PDF、图片（PNG、JPEG、GIF、WebP）、Word、Excel、PowerPoint")


class EvidenceRefused(Exception):
    """The file is not accepted; the message says why, in the language of the page."""


def evidence_storage() -> FileSystemStorage:
    """Under MEDIA_ROOT, which the portal never serves: files go out only through the
    scoped download view. (A callable, so that the migration does not bake in a path.)"""
    return FileSystemStorage(location=settings.MEDIA_ROOT / "evidence", base_url=None)


def _ooxml(upload) -> FileKind | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, kind in OOXML_PARTS:
        if any(n.startswith(prefix) for n in names):
            return kind
    return None


def sniff(upload) -> FileKind:
    """The kind of an uploaded file from its content; refuses what is not accepted."""
    size = getattr(upload, "size", None)
    if not size:
        raise EvidenceRefused(_("文件是空的，请重新选择。"))
    if size > MAX_BYTES:
        raise EvidenceRefused(
            _("文件过大（%(size).1f MB），单个文件不超过 %(max)s MB。")
            % {"size": size / 1024 / 1024, "max": MAX_BYTES // 1024 // 1024}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = None
    if head.startswith(b"%PDF-"):
        kind = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        kind = GIF
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = WEBP
    elif head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        kind = OLE
    elif head.startswith(b"PK\x03\x04"):
        kind = _ooxml(upload)
        upload.seek(0)
    if kind is None:
        raise EvidenceRefused(
            _("不支持该文件类型（按文件内容识别，与扩展名无关）。可上传：%(accepted)s。") % {"accepted": ACCEPTED}
        )
    return kind
