"""Getting text out of an uploaded file: plain text in the usual encodings, or a .docx.

Standard library only: a .docx is a zip whose ``word/document.xml`` holds the paragraphs.
Everything that cannot be read as a Chinese document raises ``IngestError`` with a
message for the person who uploaded it.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from xml.etree import ElementTree

from .errors import IngestError

# The one size limit of a document, for a file (command line or upload page) and for its text.
# A policy document is tens of kilobytes; a few megabytes leave room for a .docx with pictures.
MAX_DOCUMENT_MB = 5
MAX_DOCUMENT_BYTES = MAX_DOCUMENT_MB * 1024 * 1024
TOO_LARGE_MESSAGE = (
    f"文件过大：超过 {MAX_DOCUMENT_MB} MB，不像一份政策文件（正文通常只有几十 KB）；请只上传文件正文（.txt 或 .docx）。"
)
MAX_DOCX_XML_BYTES = 40 * 1024 * 1024  # the XML of a docx is far larger than its text
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def check_size(size: int) -> None:
    """Raise IngestError when a file or a text of ``size`` bytes is over the document limit."""
    if size > MAX_DOCUMENT_BYTES:
        raise IngestError(TOO_LARGE_MESSAGE)


def read_file(path: str | os.PathLike) -> bytes:
    """The bytes of a document file, with the size limit checked before reading it."""
    try:
        check_size(os.stat(path).st_size)
        with open(path, "rb") as handle:
            return handle.read(MAX_DOCUMENT_BYTES + 1)
    except FileNotFoundError:
        raise IngestError(f"找不到文件：{os.fspath(path)}") from None
    except IsADirectoryError:
        raise IngestError(f"无法读取文件：{os.fspath(path)} 是一个文件夹，不是文件。") from None
    except PermissionError:
        raise IngestError(f"无法读取文件：{os.fspath(path)}（没有读取权限）。") from None
    except OSError:
        raise IngestError(f"无法读取文件：{os.fspath(path)}") from None


def check_text(text: str) -> str:
    """Return ``text`` if it can be a policy document, else raise IngestError."""
    if not isinstance(text, str):
        raise IngestError("请提供文件的文字内容。")
    # The text's size in UTF-8, whatever the file's encoding was.
    check_size(len(text.encode("utf-8", errors="replace")))
    if not text.strip():
        raise IngestError("文件内容为空。")
    if "\x00" in text or len(_CONTROL.findall(text)) > max(3, len(text) // 200):
        raise IngestError("文件看起来是二进制数据，不是文字；请上传 .txt 或 .docx 格式的政策文件。")
    if not _CJK.search(text):
        raise IngestError("文件中没有中文正文，无法识别为政策文件。")
    return text


def text_from_docx(data: bytes) -> str:
    """The paragraphs of a .docx (tables included), joined by newlines."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise IngestError("Word 文件已损坏或不是 .docx 格式，无法读取。") from exc
    with archive:
        try:
            info = archive.getinfo("word/document.xml")
        except KeyError as exc:
            raise IngestError("这个压缩文件不是 Word 文档（缺少 word/document.xml）。") from exc
        if info.file_size > MAX_DOCX_XML_BYTES:
            raise IngestError("Word 文件过大，无法作为一份政策文件读取。")
        try:
            xml = archive.read(info)
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, ValueError) as exc:
            raise IngestError("Word 文件已损坏，无法读取正文。") from exc
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise IngestError("Word 文件的正文已损坏（XML 无法解析）。") from exc
    paragraphs: list[str] = []
    body = root.find(f"{_W}body")
    for block in body if body is not None else root:
        if block.tag == f"{_W}tbl":
            paragraphs.extend(_table_rows(block))
        elif block.tag == f"{_W}p":
            paragraphs.append(_paragraph_text(block))
        else:  # a content control or section around paragraphs
            paragraphs.extend(_paragraph_text(p) for p in block.iter(f"{_W}p"))
    return check_text("\n".join(paragraphs))


def _paragraph_text(p) -> str:
    parts = []
    for node in p.iter():
        if node.tag == f"{_W}t" and node.text:
            parts.append(node.text)
        elif node.tag == f"{_W}tab":
            parts.append("\t")
        elif node.tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
    return "".join(parts)


def _table_rows(table) -> list[str]:
    """A Word table as one line per row, its cells separated by tabs (a cell's paragraphs joined),
    so that the reader sees a task table as the table it is."""
    rows = []
    for tr in table.iter(f"{_W}tr"):
        cells = []
        for tc in tr.findall(f"{_W}tc"):
            text = "".join(_paragraph_text(p) for p in tc.iter(f"{_W}p"))
            cells.append(re.sub(r"[\t\n]+", " ", text).strip())
        if any(cells):
            rows.append("\t".join(cells))
    return rows


def text_from_bytes(data: bytes, filename: str | None = None) -> str:
    """Decode an uploaded file: a .docx, or text in UTF-8 (with or without BOM), UTF-16 or GB18030."""
    if not data:
        raise IngestError("文件内容为空。")
    check_size(len(data))
    if data[:4] == b"PK\x03\x04" or (filename or "").lower().endswith(".docx"):
        return text_from_docx(data)
    if (filename or "").lower().endswith(".doc") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise IngestError("不支持旧版 Word（.doc）文件，请另存为 .docx 或 .txt 后再上传。")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return check_text(data.decode("utf-16"))
        except UnicodeDecodeError as exc:
            raise IngestError("无法识别文件的文字编码（UTF-16 内容已损坏）。") from exc
    if b"\x00" in data:
        raise IngestError("文件看起来是二进制数据，不是文字；请上传 .txt 或 .docx 格式的政策文件。")
    for encoding in ("utf-8", "utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return check_text(text.lstrip("\ufeff"))
    raise IngestError("无法识别文件的文字编码（已尝试 UTF-8、GB18030），请另存为 UTF-8 文本后再上传。")
