"""The ingest assistant in real Chromium: upload a document, correct a target, map a unit,
save; the policy is listed and can receive reports."""

import re

import pytest

from policies.models import Policy, Responsibility
from targets.models import Target
from targets.services import report_get_or_create
from tests import factories as f
from tests.browser import browser_page, login, needs_chromium

pytestmark = [needs_chromium, pytest.mark.browser]

DOCUMENT = """甲市人民政府办公室关于印发甲市科技型企业培育方案（2025—2027年）的通知
一、主要目标
到2027年，全市科技型中小企业达到600家。
二、重点任务
1.壮大创新主体。每年新增高新技术企业30家。（责任单位：市工信局、市科技局）
"""


@pytest.mark.django_db(transaction=True)
def test_upload_correct_map_and_save(live_server, world):
    with browser_page(live_server.url) as page:
        login(page, "admin")
        page.goto(live_server.url + "/targets/ingest/")
        page.fill("#city", world.a.city.code)
        page.fill("#text", DOCUMENT)
        page.click("text=读取并生成草稿")
        page.wait_for_load_state("networkidle")
        assert "核对草稿" in page.title()

        first_value = page.locator(".target-row input[name$='-value']").first
        assert first_value.input_value() == "600"
        first_value.fill("650")  # the reviewer corrects a target
        mapping = page.locator("select[name$='-map']").first
        mapping.select_option(label=world.a.bureau.name)  # 市工信局 is 甲市工信局
        page.fill("#lead_unit", "市工信局")
        page.click("button[value=save]")
        page.wait_for_load_state("networkidle")
        assert "已保存为政策文件" in page.content(), page.content()[:3000]

        page.goto(live_server.url + "/policies/")
        assert "甲市科技型企业培育方案" in page.content()

    policy = Policy.objects.get(title__contains="甲市科技型企业培育方案")
    assert Target.objects.filter(indicator__policy=policy, value=650).exists()
    assert Responsibility.objects.filter(task__policy=policy, unit=world.a.bureau, role="lead").exists()
    report = report_get_or_create(policy=policy, unit=world.a.bureau, period=f.PeriodFactory(year=2025, month=9))
    assert report.pk


UNTITLED = """一、主要目标
到2027年，全市规模以上工业企业达到900家。
二、重点任务
1.壮大产业链。到2027年，新增链主企业5家。（责任单位：市工信局）
"""


@pytest.mark.django_db(transaction=True)
def test_a_new_city_document_without_a_title_is_titled_saved_reported_on_and_charted(live_server, world):
    from policies.models import Membership, Unit

    f.PeriodFactory(year=2025, month=9)
    with browser_page(live_server.url) as page:
        login(page, "admin")
        page.goto(live_server.url + "/targets/ingest/")
        page.fill("#city", "shifan")
        page.fill("#text", UNTITLED)
        page.click("text=读取并生成草稿")
        page.wait_for_load_state("networkidle")
        assert page.locator("#title").input_value() == ""

        page.click("button[value=save]")  # nothing given yet: refused with the reason
        page.wait_for_load_state("networkidle")
        assert "请填写政策文件的标题" in page.content()

        page.fill("#title", "示范市产业链培育实施方案")
        page.fill("#period_start", "2025")
        page.fill("#period_end", "2027")
        page.click("button[value=save]")
        page.wait_for_load_state("networkidle")
        assert "已保存为政策文件" in page.content(), page.content()[:3000]

        policy = Policy.objects.get(city__code="shifan")
        assert policy.code == "shifan-chanye-2025" and policy.start_date.isoformat() == "2025-01-01"
        unit = Unit.objects.get(city__code="shifan", name="市工信局")
        clerk = f.UserFactory(username="shifan_clerk")
        f.grant(clerk, Membership.Role.REPORTER, unit=unit)

        login(page, "shifan_clerk")
        page.goto(live_server.url + f"/targets/{policy.code}/{unit.code}/2025-09/")
        inputs = page.locator(".entry-input")
        for n in range(inputs.count()):
            inputs.nth(n).fill(str(700 + n))
        page.click("button[value=submit]")
        page.wait_for_load_state("networkidle")
        assert "已报送" in page.content(), re.sub(r"<[^>]+>", " ", page.content())[:3000]

        login(page, "admin")
        response = page.goto(live_server.url + f"/dashboards/{policy.code}/?month=2025-09")
        assert response.status == 200
        assert "链主企业" in page.content() and "示范市" in page.content()
