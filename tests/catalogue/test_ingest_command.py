"""The stable `ingest_policy` command: a draft as JSON without saving, or a saved policy."""

import io
import json
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from policies.models import City, Policy

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "export-schema.json").read_text())

DOCUMENT = """示范市人民政府办公室关于印发示范市专精特新企业培育行动方案（2024—2026年）的通知
各县（市、区）人民政府，市政府有关部门：
现将《示范市专精特新企业培育行动方案（2024—2026年）》印发给你们，请认真贯彻落实。
示范市人民政府办公室
2024年3月1日
一、主要目标
到2026年，全市专精特新中小企业达到300家，高新技术企业突破500家。
二、重点任务
1.梯度培育。每年新增创新型中小企业50家。（责任单位：市工业和信息化局、市科学技术局）
2.强化服务。组织专题培训每年不少于4场。（责任单位：市中小企业服务中心）
"""


@pytest.fixture
def document(tmp_path):
    path = tmp_path / "示范市方案.txt"
    path.write_text(DOCUMENT, encoding="utf-8")
    return path


def test_json_prints_a_draft_in_the_export_shape_and_saves_nothing(db, document):
    out = io.StringIO()

    call_command("ingest_policy", str(document), "--city", "shifan", "--city-name", "示范市", "--json", stdout=out)

    data = json.loads(out.getvalue())
    jsonschema.validate(data, SCHEMA)
    policy = data["policies"][0]
    assert policy["city"]["code"] == "shifan"
    values = {
        t["value"] for s in policy["sections"] for t2 in s["tasks"] for i in t2["indicators"] for t in i["targets"]
    }
    assert {300, 500, 50, 4} <= values
    assert Policy.objects.count() == 0


def test_without_json_an_unknown_city_code_makes_a_new_city_and_a_policy(db, document):
    call_command("ingest_policy", str(document), "--city", "shifan", "--city-name", "示范市", stdout=io.StringIO())

    policy = Policy.objects.get(city__code="shifan")
    assert City.objects.get(code="shifan").name == "示范市"
    assert policy.tasks.count() >= 3
    assert policy.indicators.count() >= 4


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "空"), (b"\x00\x01\x02binary\xff\xfe" * 50, ""), (b"PK\x03\x04broken", "")],
)
def test_damaged_or_empty_files_get_a_clear_message_and_change_nothing(db, tmp_path, content, message):
    path = tmp_path / "bad.docx"
    path.write_bytes(content)

    with pytest.raises(CommandError) as caught:
        call_command("ingest_policy", str(path), "--city", "shifan")

    assert "bad.docx" in str(caught.value) and message in str(caught.value)
    assert Policy.objects.count() == 0


def test_a_missing_file_gets_a_chinese_message(db, tmp_path):
    missing = tmp_path / "不存在的方案.txt"

    with pytest.raises(CommandError) as caught:
        call_command("ingest_policy", str(missing), "--city", "shifan")

    assert str(caught.value) == f"找不到文件：{missing}"


def test_a_file_over_the_one_size_limit_gets_the_one_message(db, tmp_path):
    from catalogue.ingest import MAX_DOCUMENT_BYTES
    from catalogue.ingest.textio import TOO_LARGE_MESSAGE

    path = tmp_path / "大文件.txt"
    path.write_bytes("企".encode() * (MAX_DOCUMENT_BYTES // 3 + 1))

    with pytest.raises(CommandError) as caught:
        call_command("ingest_policy", str(path), "--city", "shifan")

    assert str(caught.value) == f"大文件.txt：{TOO_LARGE_MESSAGE}"


def test_two_documents_on_one_topic_get_two_codes_and_the_same_document_again_updates(db, tmp_path, document):
    call_command("ingest_policy", str(document), "--city", "shifan", "--city-name", "示范市", stdout=io.StringIO())
    call_command("ingest_policy", str(document), "--city", "shifan", "--city-name", "示范市", stdout=io.StringIO())
    other = tmp_path / "另一份.txt"
    other.write_text(DOCUMENT.replace("专精特新企业培育行动方案", "专精特新企业服务工作方案"), encoding="utf-8")
    call_command("ingest_policy", str(other), "--city", "shifan", "--city-name", "示范市", stdout=io.StringIO())

    assert sorted(Policy.objects.values_list("code", flat=True)) == ["shifan-zhuanjing-2024", "shifan-zhuanjing-2024-2"]
