import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from policies.models import IngestDraft, Policy


@pytest.mark.parametrize(
    ("name", "content"),
    [("空.txt", b""), ("图片.docx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200), ("损坏.docx", b"PK\x03\x04broken")],
)
def test_a_damaged_or_empty_upload_gets_a_message_and_changes_nothing(client, world, name, content):
    client.force_login(world.users["admin"])

    response = client.post(
        reverse("catalogue:ingest_upload"), {"city": "demo", "file": SimpleUploadedFile(name, content)}
    )

    assert response.status_code == 200
    assert "没有保存任何内容" in response.content.decode()
    assert not IngestDraft.objects.exists() and Policy.objects.count() == 2


def test_a_city_code_must_be_ascii(client, world):
    client.force_login(world.users["admin"])

    response = client.post(reverse("catalogue:ingest_upload"), {"city": "唐山", "text": "一、主要目标"})

    assert "城市代码只能用英文字母" in response.content.decode()


DOCUMENT = """甲市科技型企业培育方案（2024—2026年）
二、重点任务
1.培育创新主体。到2026年，高新技术企业达到120家。（责任单位：甲市工信局）
"""


def test_a_new_version_of_an_existing_policy_shows_the_difference_and_keeps_reported_data(
    client, world, report_submitted
):
    from targets.models import ReportValue

    client.force_login(world.users["admin"])
    client.post(reverse("catalogue:ingest_upload"), {"city": world.a.city.code, "text": DOCUMENT})
    draft = IngestDraft.objects.get()
    url = reverse("catalogue:ingest_review", args=[draft.pk])
    form = {"action": "save", "version_of": world.a.policy.code, "lead_unit": world.a.bureau.name}

    preview = client.post(url, form)

    assert preview.status_code == 200
    assert any(kind == "新增" for kind, _text in preview.context["changes"])
    assert Policy.objects.get(pk=world.a.policy.pk).title == world.a.policy.title  # nothing saved yet

    client.post(url, {**form, "confirmed": "yes"})

    updated = Policy.objects.get(pk=world.a.policy.pk)
    assert updated.title.startswith("甲市科技型企业培育方案")
    assert ReportValue.objects.filter(report=report_submitted).count() == 2
