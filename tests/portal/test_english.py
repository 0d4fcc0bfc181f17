"""Every page in English: no Chinese in its headings, buttons, table headers, labels, menu
and title. Data stay as they are written (policy titles, unit and indicator names, quotes):
the templates mark what renders data with the HTML attribute translate="no", and the check
leaves those elements out."""

import datetime as dt
import re

import lxml.html
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from supervision.credit_code import validate_credit_code
from targets.models import Period
from tests.portal.test_permission_matrix import MATRIX, ROLES, run_of
from tests.portal.test_query_counts import NOW

CHINESE = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]")
# What a reader scans before any figure: headings, buttons, table headers, labels, menus
# and the footer. (Not <title>: it carries the page's data, which an attribute cannot mark.)
CHECKED = (
    "//h1 | //h2 | //h3 | //h4 | //h5 | //h6 | //button | //th | //label | //legend | //summary"
    " | //caption | //dt | //a[contains(@class, 'btn')] | //a[contains(@class, 'nav-link')]"
    " | //*[contains(@class, 'breadcrumb-item')] | //*[contains(@class, 'card-header')]"
    " | //*[contains(@class, 'navbar-brand')] | //footer"
)
# Not pages: a JSON probe, redirects, POST-only URLs and downloads.
NOT_PAGES = {
    "healthz",
    "logout",
    "set_language",
    "reports:run_download",
    "targets:excel_template",
    "targets:policy_excel",
    "supervision:evidence_download",
}
ADMIN_PAGES = [
    ("admin:index", {}),
    ("admin:policies_policy_changelist", {}),
    ("admin:policies_membership_changelist", {}),
    ("admin:policies_unit_changelist", {}),
    ("admin:auth_user_changelist", {}),
    ("admin:targets_indicator_changelist", {}),
]


def _role_for(expected: dict) -> str | None:
    """The widest role that may open the page (the administrator sees every block)."""
    for role in ["admin", "reviewer", "official", "reporter", "anonymous"]:
        if expected.get(role) == 200:
            return role
    return None


PAGES = sorted(
    name for name, (_kwargs, expected) in MATRIX.items() if name not in NOT_PAGES and _role_for(expected) is not None
)


def untranslated(html: str) -> list[str]:
    tree = lxml.html.fromstring(html)
    # The admin's data: its changelist rows and the subtitle naming the object being changed.
    admin_data = "//*[@id='result_list']//tbody | //*[@id='content']/h2"
    for data in tree.xpath(f"//*[@translate='no'] | //script | //style | {admin_data}"):
        data.drop_tree()
    found = []
    for element in tree.xpath(CHECKED):
        text = " ".join(element.text_content().split())
        if CHINESE.search(text):
            found.append(f"<{element.tag} class={element.get('class')!r}>{text[:80]}")
    return found


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def _open(client, world, role, url):
    if role != "anonymous":
        client.force_login(world.users[role])
    with time_machine.travel(NOW, tick=False):
        return client.get(url)


@pytest.mark.parametrize("name", PAGES)
def test_every_page_reads_in_english(english, world, report_submitted, name):
    kwargs, expected = MATRIX[name]
    role = _role_for(expected)
    run_of(world.a, done=True)

    response = _open(english, world, role, reverse(name, kwargs=kwargs(world)))

    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert untranslated(response.content.decode()) == []


@pytest.mark.parametrize(("name", "kwargs"), ADMIN_PAGES)
def test_the_django_admin_reads_in_english(english, world, name, kwargs):
    response = _open(english, world, "admin", reverse(name, kwargs=kwargs))

    assert response.status_code == 200
    assert untranslated(response.content.decode()) == []


def test_a_policys_admin_form_reads_in_english(english, world):
    response = _open(english, world, "admin", reverse("admin:policies_policy_change", args=[world.a.policy.pk]))

    assert untranslated(response.content.decode()) == []


def test_the_home_of_every_role_reads_in_english(english, world, report_submitted):
    for role in ROLES[1:]:
        english.force_login(world.users[role])
        with time_machine.travel(NOW, tick=False):
            html = english.get(reverse("home")).content.decode()

        assert untranslated(html) == [], role


def test_the_check_finds_chinese_outside_data(english, world):
    html = '<h1>政策 <span translate="no">甲市实施方案</span></h1><th translate="no">甲县</th><button>保存</button>'

    assert untranslated(html) == ["<h1 class=None>政策", "<button class=None>保存"]


def test_dates_follow_the_language(english, world):
    english.force_login(world.users["official"])
    with time_machine.travel(NOW, tick=False):
        html = english.get(reverse("home")).content.decode()
        chinese = _open(english.__class__(), world, "official", reverse("home")).content.decode()

    assert "Oct. 20, 2025" in html and "2025年10月20日" in chinese


def test_a_period_reads_in_the_language_of_the_page_but_stays_chinese_in_files(db):
    period = Period(year=2025, month=9)

    with translation.override("en"):
        assert period.display_name == "September 2025"
        assert str(period) == "2025年9月"  # written into workbooks' identities and notifications
    with translation.override("zh-hans"):
        assert period.display_name == "2025年9月"


def test_a_day_of_the_year_follows_the_language():
    template = Template("{% load portal_tags %}{{ day|month_day }}")
    context = Context({"day": dt.date(2026, 9, 6)})

    with translation.override("en"):
        assert template.render(context) == "Sep 6"
    with translation.override("zh-hans"):
        assert template.render(context) == "9月6日"


def test_the_supervision_refusals_speak_the_language_of_the_reader():
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        validate_credit_code("91320000")

    assert refused.value.messages == ["A unified social credit code has 18 characters (this one has 8)."]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_credit_code("91320000")
    assert refused.value.messages == ["统一社会信用代码应为18位（现为8位）。"]
