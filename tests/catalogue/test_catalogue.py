"""The shipped catalogue: it validates, loads idempotently, round-trips through JSON,
matches the stable schema, and a damaged fixture loads nothing."""

import io
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from catalogue import checking
from catalogue.checking import CatalogueInvalid
from catalogue.loading import catalogue_load, read_fixtures
from policies.models import City, Policy, Responsibility, Task, Unit
from targets.models import Assignment, AuditEntry, Indicator, Target

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "docs" / "export-schema.json"
SHARED_SCHEMA = ROOT.parent / "shared" / "export-schema.json"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def shipped():
    return read_fixtures()


@pytest.fixture
def loaded(real_catalogue):
    """The shipped catalogue, loaded once per session (tests/conftest.py: SharedCatalogue)."""
    return real_catalogue


def _export() -> dict:
    out = io.StringIO()
    call_command("export_policies", stdout=out)
    return json.loads(out.getvalue())


class TestShippedFixtures:
    def test_every_quote_is_in_its_source_and_in_the_seed(self, shipped):
        seeds = "\n".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")) if SEEDS.is_dir() else None

        for policy in shipped["policies"]:
            for _place, _section, task in checking.iter_tasks(policy):
                for indicator in task.get("indicators") or []:
                    for target in indicator["targets"]:
                        assert target["source_quote"] in policy["source_text"]
                        if seeds is not None:
                            assert target["source_quote"] in seeds

    def test_the_five_cities_are_there_with_their_codes(self, shipped):
        codes = {p["city"] for p in shipped["policies"]}

        assert codes == {"tangshan", "xingtai", "lutai", "taizhou", "huzhou"}

    def test_counts_are_in_the_range_of_a_careful_reading(self, shipped):
        total = {"tasks": 0, "targets": 0}
        for policy in shipped["policies"]:
            counts = checking.counts(policy)
            total["tasks"] += counts["tasks"]
            total["targets"] += counts["targets"]

        assert total["targets"] >= 180
        assert total["tasks"] >= 110

    def test_check_policies_prints_a_count_per_policy(self, db):
        out = io.StringIO()

        call_command("check_policies", stdout=out)

        text = out.getvalue()
        assert text.count("通过") == 5
        assert "合计 5 个文件" in text


class TestLoadPolicies:
    def test_counts_are_reported_in_whole_numbers_and_amounts_in_two_decimals(self, loaded):
        decimals = dict(Indicator.objects.values_list("unit_of_measure", "decimals").distinct())

        assert decimals["家"] == decimals["个"] == decimals["件"] == 0
        assert decimals["亿元"] == decimals["%"] == 2

    def test_loading_twice_changes_nothing(self, loaded):
        before = (
            Policy.objects.count(),
            Task.objects.count(),
            Indicator.objects.count(),
            Target.objects.count(),
            Responsibility.objects.count(),
            Assignment.objects.count(),
            Unit.objects.count(),
        )
        first_targets = list(Target.objects.order_by("id").values_list("id", "value", "source_quote"))

        stats = catalogue_load(data=read_fixtures())

        after = (
            Policy.objects.count(),
            Task.objects.count(),
            Indicator.objects.count(),
            Target.objects.count(),
            Responsibility.objects.count(),
            Assignment.objects.count(),
            Unit.objects.count(),
        )
        assert stats == {"created": 0, "updated": 0, "deleted": 0, "kept": 0}
        assert after == before
        assert list(Target.objects.order_by("id").values_list("id", "value", "source_quote")) == first_targets

    def test_a_changed_target_updates_in_place(self, loaded):
        data = read_fixtures()
        first = data["policies"][0]
        _p, _s, task = next(t for t in checking.iter_tasks(first) if t[2].get("indicators"))
        indicator = task["indicators"][0]
        target_id = Target.objects.get(indicator__code=indicator["code"], order=0).pk
        indicator["targets"][0]["value"] = 12345

        catalogue_load(data=data)

        target = Target.objects.get(pk=target_id)
        assert target.value == 12345

    def test_a_reload_that_changes_a_target_leaves_an_audit_row(self, loaded):
        data = read_fixtures()
        _p, _s, task = next(t for t in checking.iter_tasks(data["policies"][0]) if t[2].get("indicators"))
        target = Target.objects.get(indicator__code=task["indicators"][0]["code"], order=0)
        task["indicators"][0]["targets"][0]["value"] = 12345

        catalogue_load(data=data)
        catalogue_load(data=data)  # the second load changes nothing

        entry = AuditEntry.objects.get()
        assert entry.action == "目录重新载入" and entry.created_by is None
        assert entry.object_type == "targets.Target" and entry.object_id == str(target.pk)
        assert entry.changes == {"value": [str(target.value), "12345"]}

    def test_the_county_clause_makes_every_division_responsible(self, loaded):
        tangshan = Policy.objects.get(city__code="tangshan")
        task = Task.objects.get(policy=tangshan, number="1", section__number="一", section__parent__number="二")
        divisions = set(Unit.objects.filter(city__code="tangshan").divisions().values_list("name", flat=True))

        implementing = set(task.responsibilities.filter(role="implement").values_list("unit__name", flat=True))

        assert task.counties_implement
        assert implementing == divisions
        assert "迁安市" in implementing and "丰润区" in implementing

    def test_tangshan_titles_are_simplified_and_quotes_traditional(self, loaded):
        tangshan = Policy.objects.get(city__code="tangshan")
        quotes = Target.objects.filter(indicator__policy=tangshan).values_list("source_quote", flat=True)

        assert tangshan.title.startswith("强化创新引领")
        assert any("達到" in q for q in quotes)

    def test_sum_indicators_of_implementing_tasks_are_reported_by_every_county(self, loaded):
        indicator = (
            Indicator.objects.filter(policy__city__code="tangshan", rollup="sum", task__counties_implement=True)
            .order_by("order")
            .first()
        )
        divisions = Unit.objects.filter(city__code="tangshan").divisions().count()

        reporters = Assignment.objects.filter(indicator=indicator).count()

        assert reporters == divisions + 1  # the task's lead bureau and every county

    def test_ratios_are_reported_once(self, loaded):
        for indicator in Indicator.objects.filter(unit_of_measure="%"):
            assert indicator.assignments.count() == 1, indicator.code

    def test_a_test_without_the_catalogue_starts_from_an_empty_database(self, db):
        # Runs after the tests on the shared catalogue (tests/conftest.py): none of it is left.
        assert not Policy.objects.exists() and not Indicator.objects.exists()


class TestExportAndImport:
    def test_the_export_validates_against_the_stable_schema(self, loaded):
        schema = json.loads(SCHEMA.read_text(encoding="utf-8"))

        jsonschema.validate(_export(), schema)

    def test_the_shipped_schema_copy_is_the_shared_one(self):
        if not SHARED_SCHEMA.is_file():
            pytest.skip("../shared/export-schema.json is not beside this checkout")

        assert json.loads(SCHEMA.read_text()) == json.loads(SHARED_SCHEMA.read_text())

    def test_export_import_export_is_the_identity(self, loaded, tmp_path):
        first = _export()
        path = tmp_path / "catalogue.json"
        path.write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")
        for model in (Assignment, Target, Indicator, Responsibility, Task, Policy):
            model.objects.all().delete()
        Unit.objects.all().delete()
        City.objects.filter(parent__isnull=False).delete()
        City.objects.all().delete()

        call_command("import_policies", str(path), stdout=io.StringIO())

        assert _export() == first

    def test_an_import_with_a_wrong_quote_loads_nothing(self, loaded, tmp_path):
        data = _export()
        _p, _s, task = next(t for t in checking.iter_tasks(data["policies"][0]) if t[2]["indicators"])
        task["indicators"][0]["targets"][0]["source_quote"] = "不存在的句子"
        for model in (Assignment, Target, Indicator, Responsibility, Task, Policy):
            model.objects.all().delete()
        path = tmp_path / "bad.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

        with pytest.raises(CommandError, match="原文摘录不在文件正文中"):
            call_command("import_policies", str(path))

        assert Policy.objects.count() == 0


class TestBrokenFixture:
    @pytest.fixture
    def copy(self, tmp_path):
        shutil.copytree(checking.FIXTURES_DIR, tmp_path / "fixtures")
        return tmp_path / "fixtures"

    def test_a_quote_not_in_the_document_names_file_place_and_reason(self, copy):
        path = copy / "policies" / "xingtai-leader-enterprises.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        _p, _s, task = next(t for t in checking.iter_tasks(data) if t[2].get("indicators"))
        task["indicators"][0]["targets"][0]["source_quote"] = "编造的句子"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

        with pytest.raises(CatalogueInvalid) as caught:
            read_fixtures(copy)

        error = caught.value.errors[0]
        assert error.file == "xingtai-leader-enterprises.yaml"
        assert "指标" in error.place
        assert "原文摘录不在文件正文中" in error.reason

    def test_damaged_yaml_reports_the_line(self, copy):
        path = copy / "policies" / "huzhou-advanced-manufacturing.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "\n  - [unclosed\n", encoding="utf-8")

        with pytest.raises(CatalogueInvalid) as caught:
            read_fixtures(copy)

        assert "YAML 格式错误" in caught.value.errors[0].reason
        assert "行" in caught.value.errors[0].place

    def test_load_policies_with_a_broken_fixture_loads_nothing(self, db, copy, monkeypatch):
        path = copy / "policies" / "taizhou-five-industries.yaml"
        path.write_text(
            path.read_text(encoding="utf-8").replace("measure: flow", "measure: stream", 1), encoding="utf-8"
        )
        monkeypatch.setattr(checking, "FIXTURES_DIR", copy)
        monkeypatch.setattr("catalogue.loading.read_fixtures.__defaults__", (copy,))

        with pytest.raises(CommandError, match="measure 'stream' 无效"):
            call_command("load_policies")

        assert Policy.objects.count() == 0
