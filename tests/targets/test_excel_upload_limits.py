"""An upload is sized up from its zip directory before anything parses it: a zip bomb, a
file with too many parts, a password-protected workbook and random bytes are each refused
with a Chinese message, never a 500 nor a worker full of memory."""

import io
import random
import tracemalloc
import zipfile

import pytest

from targets.excel import workbook
from targets.excel.workbook import ExcelRejected, read_upload
from targets.models import ReportValue
from tests.targets.test_excel_round_trip import _upload, _urls

CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _bomb() -> bytes:
    return _zip({"xl/worksheets/sheet1.xml": b"\0" * (60 * 1024 * 1024)})


def _dense() -> bytes:  # under the size limit, but 10 MB of zeros: a ratio of about 1000:1
    return _zip({"xl/sharedStrings.xml": b"\0" * (10 * 1024 * 1024)})


def _many_parts() -> bytes:
    return _zip({f"xl/media/p{i}.xml": b"<x/>" for i in range(workbook.MAX_MEMBERS + 1)})


def _encrypted() -> bytes:
    return CFB + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 1024


def _old_cfb() -> bytes:
    return CFB + b"\0" * 2048


def _random() -> bytes:
    return random.Random(7).randbytes(8192)


def _random_zip_header() -> bytes:
    return b"PK\x03\x04" + random.Random(7).randbytes(8192)


CASES = {
    "zip bomb": (_bomb, "解压后过大"),
    "dense member": (_dense, "压缩比异常"),
    "too many parts": (_many_parts, "部件过多"),
    "password": (_encrypted, "密码"),
    "cfb": (_old_cfb, "密码"),
    "random bytes": (_random, "不是有效的 Excel"),
    "random after a zip header": (_random_zip_header, "不是有效的 Excel"),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_the_reader_refuses_with_its_message(kind):
    make, message = CASES[kind]
    data = make()

    with pytest.raises(ExcelRejected, match=message):
        read_upload("月报.xlsx", data)


def test_a_bomb_is_refused_without_expanding_it():
    data = _bomb()
    assert len(data) < 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(ExcelRejected):
            read_upload("月报.xlsx", data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024


@pytest.mark.parametrize("kind", sorted(CASES))
def test_the_upload_page_shows_the_message(client, world, period, kind):
    make, message = CASES[kind]
    client.force_login(world.users["reporter"])

    response = _upload(client, _urls(world.a)[1], make())

    assert response.status_code == 200
    assert message in response.context["rejected"]
    assert not ReportValue.objects.exists()


def test_the_workbook_is_parsed_once(monkeypatch, client, world, period):
    client.force_login(world.users["reporter"])
    download, upload = _urls(world.a)
    template = client.get(download).content
    calls = []
    real = workbook.load_workbook

    def counting(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(workbook, "load_workbook", counting)

    response = _upload(client, upload, template)

    assert response.status_code == 200 and "plan" in response.context
    assert len(calls) == 1
    assert calls[0].get("read_only") is True
