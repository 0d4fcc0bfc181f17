"""The kinds of target in the catalogue (DESIGN.md "Measures and targets"): whom a target
binds (`applies_to`), its baseline and its per-year targets (分年度目标, `milestones`) go
from the YAML to the database, to the export JSON and back; check_policies rejects those
that make no sense; the ingest reader marks per-unit targets and reads baselines; the
shipped documents carry the per-unit targets they state, and their ceilings and standing
levels have the windows of their kind."""

import copy
import io
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from catalogue import checking
from catalogue.exporting import catalogue_export
from catalogue.ingest import read_policy
from catalogue.loading import catalogue_load
from policies.models import Policy, Unit
from targets.models import Assignment, AuditEntry, Indicator, Milestone, Target

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "export-schema.json").read_text(encoding="utf-8"))

# The targets the five documents bind every unit with, by indicator code.
EACH = {
    "xingtai": {"xingtai-t3-3-training-county"},  # 市、县每年各组织不少于1次: the 县 each
    "taizhou": {
        "taizhou-g4-tech-platform-per-industry",  # 每个产业依托企业各建设1~2个
        "taizhou-t2-signed-5yi-per-dept",  # 每个产业牵头部门每年…不少于2个
        "taizhou-t4-park-leading-industry",  # 园区、集中区…重点打造1个主导产业
        "taizhou-t4-park-emerging-industry",  # …扶持壮大1个战略性新兴产业
    },
    "tangshan": set(),
    "lutai": set(),  # 每名包联领导每月至少入企一次 binds officials (the visit log), not units
    "huzhou": set(),
}


def _targets(data: dict):
    """(policy, task, indicator, target) for every target of an export or fixture catalogue."""
    for policy in data["policies"]:
        for _place, _section, task in checking.iter_tasks(policy):
            for indicator in task.get("indicators") or []:
                for target in indicator["targets"]:
                    yield policy, task, indicator, target


def _indicator(data: dict, code: str) -> dict:
    return next(ind for _p, _t, ind, _tg in _targets(data) if ind["code"] == code)


def _policy(data: dict, code: str) -> dict:
    return next(p for p in data["policies"] if p["code"] == code)


def _only(data: dict, code: str) -> dict:
    """The catalogue reduced to one policy (with every city and concept), to load quickly."""
    return {**data, "policies": [_policy(data, code)]}


def _export() -> dict:
    out = io.StringIO()
    call_command("export_policies", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def huzhou(real_catalogue) -> dict:
    """A copy of the shipped catalogue with Huzhou's 新兴产业集群产值 given a baseline and two
    分年度目标 (the document gives neither: the numbers are the test's)."""
    data = _only(copy.deepcopy(real_catalogue), "huzhou-advanced-manufacturing")
    target = _indicator(data, "huzhou-g-emerging-output")["targets"][0]
    target.update(
        baseline=4200,
        baseline_date="2022-12-31",
        milestones=[{"year": 2026, "value": 5600}, {"year": 2025, "value": 5200.5}],
    )
    return data


class TestRoundTrip:
    def test_yaml_to_database_keeps_applies_to_baseline_and_milestones(self, huzhou):
        catalogue_load(data=huzhou)

        target = Target.objects.get(indicator__code="huzhou-g-emerging-output")
        assert (target.baseline_value, target.baseline_date.isoformat()) == (4200, "2022-12-31")
        assert [(m.year, float(m.value)) for m in target.milestones.all()] == [(2025, 5200.5), (2026, 5600.0)]
        each = Target.objects.get(indicator__code="taizhou-t2-signed-5yi-per-dept")
        assert each.applies_to == Target.AppliesTo.EACH
        assert Target.objects.get(indicator__code="tangshan-g1-revenue").applies_to == Target.AppliesTo.TOTAL

    def test_the_export_has_them_exactly_as_the_schema_says(self, huzhou):
        catalogue_load(data=huzhou)

        exported = _export()

        jsonschema.validate(exported, SCHEMA)
        target = _indicator(exported, "huzhou-g-emerging-output")["targets"][0]
        assert target["baseline"] == 4200 and target["baseline_date"] == "2022-12-31"
        assert target["milestones"] == [{"year": 2025, "value": 5200.5}, {"year": 2026, "value": 5600}]
        assert _indicator(exported, "taizhou-t2-signed-5yi-per-dept")["targets"][0]["applies_to"] == "each"
        for _p, _t, _ind, each_target in _targets(exported):
            assert each_target["applies_to"] in ("total", "each")
            assert isinstance(each_target["milestones"], list)

    def test_export_import_export_keeps_them_and_the_units_of_each_target(self, huzhou, tmp_path):
        catalogue_load(data=huzhou)
        first = _export()
        path = tmp_path / "catalogue.json"
        path.write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")
        Policy.objects.all().delete()  # tasks, indicators, targets and milestones with them

        call_command("import_policies", str(path), stdout=io.StringIO())

        assert _export() == first
        assert Milestone.objects.filter(target__indicator__code="huzhou-g-emerging-output").count() == 2
        county = Indicator.objects.get(code="xingtai-t3-3-training-county")
        assert county.assignments.count() == Unit.objects.filter(city__code="xingtai").divisions().count()

    def test_loading_twice_changes_nothing(self, huzhou):
        catalogue_load(data=huzhou)

        stats = catalogue_load(data=huzhou)

        assert stats == {"created": 0, "updated": 0, "deleted": 0, "kept": 0}

    def test_milestones_are_replaced_and_an_empty_list_clears_them(self, huzhou):
        catalogue_load(data=huzhou)
        target = _indicator(huzhou, "huzhou-g-emerging-output")["targets"][0]
        target["milestones"] = [{"year": 2024, "value": 4800}]

        catalogue_load(data=huzhou)
        years = list(Milestone.objects.filter(target__indicator__code="huzhou-g-emerging-output").values_list("year"))
        target["milestones"] = []
        catalogue_load(data=huzhou)

        assert years == [(2024,)]
        assert not Milestone.objects.filter(target__indicator__code="huzhou-g-emerging-output").exists()

    def test_a_file_that_says_nothing_of_milestones_keeps_the_administrators(self, huzhou):
        catalogue_load(data=huzhou)
        del _indicator(huzhou, "huzhou-g-emerging-output")["targets"][0]["milestones"]

        stats = catalogue_load(data=huzhou)

        assert stats["updated"] == 0
        assert Milestone.objects.filter(target__indicator__code="huzhou-g-emerging-output").count() == 2


def _policy_file(code: str) -> tuple[dict, str]:
    path = checking.FIXTURES_DIR / "policies" / f"{code}.yaml"
    policy = yaml.safe_load(path.read_text(encoding="utf-8"))
    source = (checking.FIXTURES_DIR / "sources" / policy["source"]).read_text(encoding="utf-8")
    return policy, source


def _reasons(policy: dict, source: str, city: str) -> list[str]:
    city_units = yaml.safe_load((checking.FIXTURES_DIR / "cities" / f"{city}.yaml").read_text(encoding="utf-8"))
    return [e.reason for e in checking.validate_policy(policy, "x.yaml", source, city_units["units"])]


class TestCheckPolicies:
    @pytest.fixture
    def huzhou_file(self):
        """Huzhou's file (plan 2023—2027) and its 6000亿元 target by 2027."""
        policy, source = _policy_file("huzhou-advanced-manufacturing")
        return policy, source, _indicator({"policies": [policy]}, "huzhou-g-emerging-output")["targets"][0]

    def test_the_shipped_files_pass(self, huzhou_file):
        policy, source, target = huzhou_file
        target["milestones"] = [{"year": 2025, "value": 5000}, {"year": 2026, "value": 5500}]

        assert _reasons(policy, source, "huzhou") == []

    @pytest.mark.parametrize(
        ("milestones", "reason"),
        [
            ([{"year": 2022, "value": 4000}], "分年度目标 2022年 不在计划期（2023—2027年）内"),
            ([{"year": 2027, "value": 6000}], "分年度目标 2027年 应早于截止年份 2027年"),
            ([{"year": 2025, "value": 5000}, {"year": 2025, "value": 5100}], "分年度目标 2025年 重复"),
            ([{"year": 2025, "value": 0}], "分年度目标 2025年 的目标值必须大于0"),
            ([{"year": "二〇二五", "value": 5000}], "不是整数年份"),
        ],
    )
    def test_a_bad_milestone_is_rejected(self, huzhou_file, milestones, reason):
        policy, source, target = huzhou_file
        target["milestones"] = milestones

        reasons = _reasons(policy, source, "huzhou")

        assert len(reasons) == 1 and reason in reasons[0]

    def test_a_bad_applies_to_is_rejected(self, huzhou_file):
        policy, source, target = huzhou_file
        target["applies_to"] = "every"

        assert _reasons(policy, source, "huzhou") == [
            "适用对象 applies_to 'every' 无效（total 全市合计 / each 每个单位）"
        ]

    def test_each_without_several_units_or_per_unit_wording_is_rejected(self, huzhou_file):
        policy, source, target = huzhou_file  # one figure of the city, reported by the lead bureau
        target["applies_to"] = "each"

        (reason,) = _reasons(policy, source, "huzhou")

        assert "只有一个填报单位" in reason

    def test_each_with_per_unit_wording_and_one_reporter_passes(self):
        policy, source = _policy_file("taizhou-five-industries")
        park = _indicator({"policies": [policy]}, "taizhou-t4-park-leading-industry")

        assert park["reporters"] == ["市经济和信息化委员会"] and park["targets"][0]["applies_to"] == "each"
        assert _reasons(policy, source, "taizhou") == []

    def test_a_baseline_date_at_or_after_the_plan_end_is_rejected(self, huzhou_file):
        policy, source, target = huzhou_file
        target.update(baseline=4200, baseline_date="2027-12-31")

        assert _reasons(policy, source, "huzhou") == ["基数日期 2027-12-31 应早于计划期末 2027-12-31"]

    def test_check_policies_fails_on_a_bad_milestone_year_and_loads_nothing(self, db, tmp_path, monkeypatch):
        root = tmp_path / "fixtures"
        shutil.copytree(checking.FIXTURES_DIR, root)
        path = root / "policies" / "tangshan-innovation-clusters.yaml"
        text = path.read_text(encoding="utf-8")
        quote = 'source_quote: "全市特色產業集群年營業收入達到6500億元"'
        assert text.count(quote) == 1
        path.write_text(text.replace(quote, "milestones: [{year: 2023, value: 5800}], " + quote), encoding="utf-8")
        monkeypatch.setattr("catalogue.loading.read_fixtures.__defaults__", (root,))
        errors = io.StringIO()

        with pytest.raises(CommandError, match="校验未通过"):
            call_command("check_policies", stdout=io.StringIO(), stderr=errors)
        with pytest.raises(CommandError):
            call_command("load_policies", stdout=io.StringIO())

        assert "tangshan-innovation-clusters.yaml" in errors.getvalue()
        assert "分年度目标 2023年 不在计划期（2024—2025年）内" in errors.getvalue()
        assert Policy.objects.count() == 0


PLAN = "某某市智能装备产业提升行动方案(2024—2026年)"


def _read(paragraph: str) -> list[tuple[dict, dict]]:
    policy = read_policy("一、主要目标\n" + paragraph, city_code="demo", title=PLAN)
    return [(ind, t) for _p, _task, ind, t in _targets({"policies": [policy]})]


class TestReader:
    def test_a_sentence_about_every_county_gives_an_each_target(self):
        ((_ind, target),) = _read("每个县(市、区)每年至少举办2场产业对接活动。")

        assert (target["value"], target["window"], target["applies_to"]) == (2, "annual", "each")

    def test_all_counties_at_least_is_each_too(self):
        ((_ind, target),) = _read("各县(市、区)每年举办产业对接活动不少于2场。")

        assert target["applies_to"] == "each"

    def test_the_city_and_the_counties_each_is_the_county_only(self):
        found = _read("市、县每年各组织不少于1次辅导培训。")

        assert [(t["source_quote"], t["applies_to"]) for _i, t in found] == [
            ("市、县每年各组织不少于1次辅导培训", "total"),
            ("县每年各组织不少于1次辅导培训", "each"),
        ]

    def test_the_city_total_after_a_per_county_figure_is_total(self):
        found = _read("每个县建设1个服务站,全市累计建成200个。")

        assert [(t["value"], t["applies_to"]) for _i, t in found] == [(1, "each"), (200, "total")]

    def test_a_target_of_the_city_is_total_with_no_milestones(self):
        ((_ind, target),) = _read("到2026年,全市高新技术企业达到300家。")

        assert (target["applies_to"], target["baseline"], target["baseline_date"], target["milestones"]) == (
            "total",
            None,
            None,
            [],
        )

    def test_on_the_basis_of_a_year_is_the_baseline_date_not_the_deadline(self):
        ((_ind, target),) = _read("在2022年的基础上,到2026年新增高新技术企业100家。")

        assert (target["baseline_date"], target["year"], target["deadline_inferred"]) == ("2022-12-31", 2026, False)

    def test_on_the_basis_of_a_year_without_a_deadline_leaves_the_plan_end(self):
        ((_ind, target),) = _read("在2022年的基础上,新增高新技术企业100家。")

        assert (target["baseline_date"], target["year"], target["deadline_inferred"]) == ("2022-12-31", 2026, True)

    def test_from_a_to_b_gives_the_baseline_and_its_year(self):
        ((_ind, target),) = _read("到2026年,规上工业企业研发机构覆盖率由2022年的30%提高到50%。")

        assert (target["value"], target["baseline"], target["baseline_date"]) == (50, 30, "2022-12-31")

    def test_a_time_limit_is_a_standing_rule_and_a_dated_ceiling_a_reduction(self):
        ((_i, rule),) = _read("企业诉求做到3个工作日内办结。")
        ((_j, reduction),) = _read("到2026年,单位工业增加值能耗低于0.45吨标准煤/万元。")

        assert (rule["comparison"], rule["window"], rule["year"], rule["deadline"]) == ("at_most", "annual", None, None)
        assert (reduction["comparison"], reduction["window"], reduction["year"]) == ("at_most", "date", 2026)

    def test_a_later_clause_with_a_year_of_its_own_is_not_swept_into_each(self):
        found = _read("每个县(市、区)每年至少举办2场产业对接活动,在2022年的基础上,到2026年新增高新技术企业100家。")

        assert [(t["value"], t["applies_to"], t["baseline_date"]) for _i, t in found] == [
            (2, "each", None),
            (100, "total", "2022-12-31"),
        ]

    def test_the_draft_passes_the_schema_and_the_catalogue_rules(self):
        text = (
            "一、主要目标\n每个县(市、区)每年至少举办2场产业对接活动,在2022年的基础上,到2026年新增高新技术企业100家。\n"
            "二、保障措施\n市工业和信息化局发挥牵头抓总作用,建立月调度机制。"
        )
        policy = read_policy(text, city_code="demo", title=PLAN)

        jsonschema.validate({"policies": [policy]}, SCHEMA)
        assert checking.validate_policy(policy, "draft", policy["source_text"], []) == []


class TestShippedDocuments:
    def test_each_policy_marks_the_per_unit_targets_it_states(self, real_catalogue):
        for city, codes in EACH.items():
            marked = set(
                Target.objects.filter(indicator__policy__city__code=city, applies_to=Target.AppliesTo.EACH)
                .values_list("indicator__code", flat=True)
                .distinct()
            )

            assert marked == codes, city

    def test_the_per_county_target_is_reported_by_every_county_and_not_the_bureau(self, real_catalogue):
        units = Assignment.objects.filter(indicator__code="xingtai-t3-3-training-county").values_list("unit", flat=True)
        divisions = Unit.objects.filter(city__code="xingtai").divisions()

        assert set(units) == set(divisions.values_list("pk", flat=True))

    def test_the_per_department_targets_are_reported_by_the_four_industry_leads(self, real_catalogue):
        for code in ("taizhou-g4-tech-platform-per-industry", "taizhou-t2-signed-5yi-per-dept"):
            names = set(Assignment.objects.filter(indicator__code=code).values_list("unit__name", flat=True))

            assert names == {"市食品药品监督管理局", "市经济和信息化委员会", "市科学技术局", "市质量技术监督局"}

    @pytest.mark.parametrize(
        ("code", "kind"),
        [
            # a year's amount by a deadline: a flow, window date
            ("tangshan-g1-revenue", ("flow", "at_least", "date", 2025)),
            ("huzhou-g-emerging-output", ("flow", "at_least", "date", 2027)),
            ("huzhou-g-traditional-scale", ("flow", "at_least", "date", 2027)),
            ("taizhou-t1-biomed-cluster", ("flow", "at_least", "date", 2020)),
            ("taizhou-t1-ict-cluster", ("flow", "at_least", "date", 2020)),
            # a standing level: every year, no baseline
            ("taizhou-t2-key-projects-1yi", ("level", "at_least", "annual", None)),
            ("huzhou-p3-industrial-land-share", ("level", "at_least", "annual", None)),
            # standing rules: a ceiling every month, no deadline
            ("taizhou-s3-response-days", ("level", "at_most", "annual", None)),
            ("taizhou-s3-opinion-days", ("level", "at_most", "annual", None)),
            ("taizhou-s3-closure-days", ("level", "at_most", "annual", None)),
            ("huzhou-p4-energy-intensity", ("level", "at_most", "annual", None)),
            # reductions by a date: 清零 by 2027
            ("huzhou-t1-1-small-firms-outside-parks", ("level", "at_most", "date", 2027)),
            ("huzhou-t1-1-old-plants-unrenovated", ("level", "at_most", "date", 2027)),
            ("huzhou-t1-1-village-clusters", ("level", "at_most", "date", 2027)),
        ],
    )
    def test_the_known_cases_have_the_window_of_their_kind(self, real_catalogue, code, kind):
        target = Target.objects.select_related("indicator").get(indicator__code=code)

        assert (target.indicator.measure, target.comparison, target.window, target.year) == kind
        assert target.baseline_value is None  # the documents state none for these
        assert (target.deadline_date is None) == (target.window == Target.Window.ANNUAL)

    def test_every_shipped_target_exports_its_kind(self, real_catalogue):
        exported = catalogue_export()

        each = {ind["code"] for _p, _t, ind, t in _targets(exported) if t["applies_to"] == "each"}
        assert each == set().union(*EACH.values())
        assert all(t["milestones"] == [] for _p, _t, _i, t in _targets(exported))


class TestAdmin:
    @pytest.fixture
    def page(self, client, world):
        """The admin's change page of a target due 2025-12-31 in a plan of 2024—2026."""
        client.force_login(world.users["admin"])
        target = Target.objects.get(indicator=world.a.indicator)
        return client, target, reverse("admin:targets_target_change", args=[target.pk])

    def _post(self, client, url, target, applies_to, milestones):
        data = {
            "indicator": target.indicator_id,
            "value": "100",
            "value_max": "",
            "comparison": target.comparison,
            "window": target.window,
            "year": "2025",
            "deadline_date": "2025-12-31",
            "baseline_value": "",
            "baseline_date": "",
            "applies_to": applies_to,
            "source_quote": target.source_quote,
            "order": "0",
            "milestones-TOTAL_FORMS": str(len(milestones)),
            "milestones-INITIAL_FORMS": "0",
            "milestones-MIN_NUM_FORMS": "0",
            "milestones-MAX_NUM_FORMS": "1000",
        }
        for i, (year, value) in enumerate(milestones):
            data.update({f"milestones-{i}-year": str(year), f"milestones-{i}-value": str(value)})
        return client.post(url, data)

    def test_applies_to_and_milestones_are_set_and_audited(self, page):
        client, target, url = page

        response = self._post(client, url, target, "each", [(2024, 60)])

        assert response.status_code == 302
        target.refresh_from_db()
        assert target.applies_to == Target.AppliesTo.EACH
        assert [(m.year, int(m.value)) for m in target.milestones.all()] == [(2024, 60)]
        audited = {(e.object_type, e.action) for e in AuditEntry.objects.all()}
        assert {("targets.Target", "后台修改"), ("targets.Milestone", "后台新增")} <= audited
        assert AuditEntry.objects.get(object_type="targets.Target").changes["applies_to"] == ["total", "each"]

    def test_a_milestone_year_at_the_deadline_is_refused(self, page):
        client, target, url = page

        response = self._post(client, url, target, "total", [(2025, 60)])

        assert response.status_code == 200
        assert "分年度目标 2025年 应早于截止年份 2025年" in response.content.decode()
        assert not Milestone.objects.exists() and not AuditEntry.objects.exists()

    def test_the_page_shows_the_milestone_inline(self, page):
        client, _target, url = page

        response = client.get(url)

        assert response.status_code == 200
        assert "分年度目标" in response.content.decode() and 'name="applies_to"' in response.content.decode()


def test_an_import_with_a_bad_applies_to_loads_nothing(real_catalogue, tmp_path):
    data = _only(copy.deepcopy(real_catalogue), "lutai-sme-cultivation")
    _policy_, _task, indicator, target = next(_targets(data))
    target["applies_to"] = "all"
    target["value"] = 12345
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")

    with pytest.raises(CommandError, match="适用对象 applies_to 'all' 无效"):
        call_command("import_policies", str(path))

    assert Target.objects.get(indicator__code=indicator["code"], order=0).value != 12345
