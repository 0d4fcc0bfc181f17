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


UNTITLED = """一、主要目标
到2027年，全市规模以上工业企业达到900家。
二、重点任务
1.壮大产业链。到2027年，新增链主企业5家。（责任单位：市工信局）
"""


def _new_city_draft(client, world):
    client.force_login(world.users["admin"])
    client.post(reverse("catalogue:ingest_upload"), {"city": "shifan", "city_name": "示范市", "text": UNTITLED})
    draft = IngestDraft.objects.get()
    return draft, reverse("catalogue:ingest_review", args=[draft.pk])


def test_a_document_without_a_title_or_start_is_not_saved_until_they_are_given(client, world):
    draft, url = _new_city_draft(client, world)
    assert draft.data["title"] == ""

    response = client.post(url, {"action": "save", "title": "", "period_start": "", "period_end": "2027"})

    page = response.content.decode()
    assert "请填写政策文件的标题" in page and "请填写计划期开始" in page
    assert "未识别标题" not in page and not Policy.objects.filter(city__code="shifan").exists()
    draft.refresh_from_db()
    assert draft.data["period"]["end"] == "2027-12-31"  # what was typed is kept


def test_a_period_that_is_not_a_date_gets_a_message(client, world):
    _draft, url = _new_city_draft(client, world)

    response = client.post(url, {"action": "save", "title": "示范市产业链培育方案", "period_start": "明年"})

    assert "计划期开始：“明年”不是日期" in response.content.decode()


def test_a_new_city_policy_gets_a_readable_unique_code_and_its_pages_open(client, world):
    draft, url = _new_city_draft(client, world)
    form = {
        "action": "save",
        "title": "示范市产业链培育实施方案",
        "doc_number": "示政办发〔2025〕3号",
        "issuing_office": "示范市人民政府办公室",
        "period_start": "2025",
        "period_end": "2027",
    }

    response = client.post(url, form)

    policy = Policy.objects.get(city__code="shifan")
    assert response.status_code == 302
    assert policy.code == "shifan-chanye-2025"
    assert (policy.title, policy.doc_number, policy.issuing_office) == (
        form["title"],
        form["doc_number"],
        form["issuing_office"],
    )
    assert (policy.start_date.isoformat(), policy.end_date.isoformat()) == ("2025-01-01", "2027-12-31")
    assert all(i.code.startswith("shifan-chanye-2025-") for i in policy.indicators.all())
    for name in ("policies:policy_detail", "reports:policy"):
        assert client.get(reverse(name, args=[policy.code])).status_code == 200, name

    client.post(reverse("catalogue:ingest_upload"), {"city": "shifan", "city_name": "示范市", "text": UNTITLED})
    second = IngestDraft.objects.exclude(pk=draft.pk).get()
    client.post(reverse("catalogue:ingest_review", args=[second.pk]), form)
    assert set(Policy.objects.filter(city__code="shifan").values_list("code", flat=True)) == {
        "shifan-chanye-2025",
        "shifan-chanye-2025-2",
    }


def test_the_dashboard_of_a_plan_that_has_not_started_opens_on_its_first_month(client, world):
    draft, url = _new_city_draft(client, world)
    client.post(url, {"action": "save", "title": "示范市产业链培育方案", "period_start": "2090", "period_end": "2092"})
    policy = Policy.objects.get(city__code="shifan")

    response = client.get(reverse("reports:policy", args=[policy.code]))

    assert response.status_code == 200
