"""The general forms of issue 14, each in a small invented sentence: start and base years,
one-year plans, flattened task tables, generic and compound units, role notes, numbers in
awkward places, per-unit targets, and what is no target. No database is needed."""

import pytest

from catalogue.ingest import read_policy
from catalogue.ingest.codes import policy_code, topic, unique
from catalogue.ingest.review import apply_edits, missing_head

PLAN = "某某市仪器仪表产业行动方案(2024—2026年)"


def read(*lines: str, title: str | None = PLAN) -> dict:
    return read_policy("\n".join(lines), city_code="demo", title=title)


def tasks_of(policy: dict) -> list[dict]:
    out = []

    def walk(sections):
        for section in sections:
            out.extend(section["tasks"])
            walk(section["sections"])

    walk(policy["sections"])
    return out


def targets_of(policy: dict) -> list[dict]:
    return [t for task in tasks_of(policy) for ind in task["indicators"] for t in ind["targets"]]


def only(policy: dict) -> dict:
    found = targets_of(policy)
    assert len(found) == 1, found
    return found[0]


class TestStartAndBaseYears:
    def test_a_span_from_a_start_year_is_due_at_its_last_year(self):
        t = only(read("一、主要目标", "自2024年起3年内，培育检测认证机构12家。"))

        assert (t["value"], t["window"], t["year"]) == (12, "plan", 2026)

    def test_a_span_in_chinese_numerals_with_yong_counts_the_same(self):
        t = only(read("一、主要目标", "从2021年开始，用五年时间建成计量测试平台4个。", title="某某县计量工作方案"))

        assert (t["window"], t["year"]) == ("plan", 2025)

    def test_within_n_years_counts_from_the_plan_start(self):
        t = only(read("一、主要目标", "三年内新建精密传感器中试线6条。", title="某某市传感器产业方案(2025—2029年)"))

        assert t["year"] == 2027

    def test_the_next_n_years_count_from_the_plan_start(self):
        t = only(read("一、主要目标", "未来五年，新增仪表企业50家。", title="某某市仪表方案(2024—2028年)"))

        assert t["year"] == 2028

    def test_a_base_year_is_the_baseline_not_the_deadline(self):
        found = targets_of(read("一、主要目标", "在2023年的基础上，到2026年仪表企业和配套企业分别超过80家和300家。"))

        assert [(t["value"], t["year"], t["baseline_date"]) for t in found] == [
            (80, 2026, "2023-12-31"),
            (300, 2026, "2023-12-31"),
        ]

    def test_a_start_year_does_not_end_the_plan(self):
        policy = read("一、主要目标", "自2022年起5年内，引进检测人才200名。", title=None)

        assert policy["period"]["end"] == "2026-12-31"


class TestOneYearPlans:
    def test_a_title_with_one_year_dates_every_row(self):
        policy = read(
            "某某市2022年工业运行任务分解表",
            "一、目标任务",
            "1.工业用电量增长6%。（责任单位：市发改委）",
            "2.新增规模以上企业40家。（责任单位：市工信局）",
            title=None,
        )

        assert policy["title"] == "某某市2022年工业运行任务分解表"
        assert [(t["year"], t["window"]) for t in targets_of(policy)] == [(2022, "date"), (2022, "plan")]

    def test_a_list_headed_with_its_year_takes_that_year(self):
        policy = read(
            "一、重点项目清单（2024年）",
            "1.实施智能化改造项目30项。（责任单位：市工信局）",
            title="某某市推进新型工业化的意见",
        )

        assert only(policy)["year"] == 2024


class TestFlattenedTables:
    def test_a_space_separated_table_gives_tasks_with_lead_co_and_deadline(self):
        policy = read(
            "序号 重点工作任务 牵头单位 配合单位 完成时限",
            "1 新建仪表检测中心2个。 市市场监管局 市科技局、市财政局 2025年底前",
            "2 仪表产业营业收入增长12%以上。 市工信局 市统计局 2026年12月",
        )

        first, second = tasks_of(policy)
        assert (first["number"], first["lead_units"], first["co_units"]) == (
            "1",
            ["市市场监管局"],
            ["市科技局", "市财政局"],
        )
        assert second["lead_units"] == ["市工信局"] and second["co_units"] == ["市统计局"]
        assert [(t["value"], t["year"]) for t in targets_of(policy)] == [(2, 2025), (12, 2026)]
        assert all(t["source_quote"] in policy["source_text"] for t in targets_of(policy))

    def test_a_pipe_table_with_a_unit_cell_over_two_lines(self):
        policy = read(
            "一、任务清单",
            "序号|任务内容|责任单位|完成时限",
            "1|培育仪表“小巨人”企业6家。|市工信局、市科技局、",
            "各县（市、区）人民政府|2025年10月",
            "2|举办仪表产业对接会4场。|市商务局|全年",
            "二、工作要求",
            "各单位按季度报送进展。",
        )

        first, second = [t for t in tasks_of(policy) if t["number"]]
        assert first["lead_units"] == ["市工信局"] and first["co_units"] == ["市科技局"]
        assert first["counties_implement"] is True
        assert second["lead_units"] == ["市商务局"]
        assert targets_of(policy)[0]["year"] == 2025

    def test_a_tab_separated_table_reads_by_its_columns(self):
        policy = read(
            "序号\t任务\t牵头单位\t配合单位\t时限",
            "1\t建成仪表产业园1个。\t市发改委\t市自然资源局\t2026年",
        )

        (task,) = tasks_of(policy)
        assert (task["lead_units"], task["co_units"]) == (["市发改委"], ["市自然资源局"])

    @pytest.mark.parametrize(
        "row",
        [
            "1.\t新建仪表检测站4个。\t市市场监管局、市工信局\t2025年",
            "1.新建仪表检测站4个。\t市市场监管局、市工信局\t2025年",
        ],
    )
    def test_a_row_number_with_a_dot_opens_a_row(self, row):
        policy = read("序号\t重点任务\t责任单位\t完成时限", row)

        (task,) = tasks_of(policy)
        assert (task["lead_units"], task["co_units"]) == (["市市场监管局"], ["市工信局"])
        assert task["text"] == "新建仪表检测站4个。" and only(policy)["year"] == 2025

    def test_a_header_broken_over_two_lines_and_a_column_of_people(self):
        policy = read(
            "序号 重点任务 责任领导 牵头单位 配合单位 完成",
            "时限",
            "1 新增仪表企业20家。 王某 市工信局 市统计局 2025年底",
        )

        (task,) = tasks_of(policy)
        assert (task["lead_units"], task["co_units"]) == (["市工信局"], ["市统计局"])
        assert only(policy)["year"] == 2025


class TestGenericUnits:
    @pytest.mark.parametrize(
        "clause",
        [
            "（责任单位：市工信局、市人社局，各区、县级市）",
            "（牵头单位：市工信局；配合单位：市人社局、各县(市、区)政府）",
            "（责任单位：市工信局、市人社局、各区市政府）",
        ],
    )
    def test_the_county_clause_is_one_generic_unit_never_a_fragment(self, clause):
        (task,) = tasks_of(read("一、重点任务", f"1.壮大仪表企业。新增仪表企业10家。{clause}"))

        assert task["lead_units"] == ["市工信局"] and task["co_units"] == ["市人社局"]
        assert task["counties_implement"] is True

    def test_generic_departments_and_units_are_not_names(self):
        (task,) = tasks_of(
            read(
                "一、重点任务",
                "1.优化服务。新增服务专员50名。（牵头单位：市商务局；配合单位：市直有关部门、单位，各有关单位）",
            )
        )

        assert task["lead_units"] == ["市商务局"] and task["co_units"] == []

    def test_a_clause_cut_at_the_end_of_the_text_yields_no_unit(self):
        (task,) = tasks_of(read("一、重点任务", "1.加强监测。联网直报率达到100%。责任单位：市"))

        assert task["lead_units"] == [] and task["co_units"] == []


class TestClauseWordings:
    @pytest.mark.parametrize(
        ("clause", "lead", "co"),
        [
            ("（责任单位：市工信局、市财政局（牵头）、市科技局）", ["市财政局"], ["市工信局", "市科技局"]),
            ("【牵头单位】市工信局【配合单位】市财政局、市科技局", ["市工信局"], ["市财政局", "市科技局"]),
            ("〔牵头单位〕市工信局；〔配合单位〕市财政局", ["市工信局"], ["市财政局"]),
            ("（市工信局会同市财政局负责）", ["市工信局"], ["市财政局"]),
            ("（责任单位：市工信局、团市委、市妇联、市科协）", ["市工信局"], ["团市委", "市妇联", "市科协"]),
            ("（责任单位：市工信局 市财政局 市科技局）", ["市工信局"], ["市财政局", "市科技局"]),
            ("（牵头：市科技局；参与：市发改委、市工信局）", ["市科技局"], ["市发改委", "市工信局"]),
            ("（市发改委、市工信局按职责分工负责）", ["市发改委", "市工信局"], []),
            ("（责任单位：市科技局；责任领导：王某某）", ["市科技局"], []),
            ("（责任单位：市委组织部、市人社局，各县（市、区）党委、政府）", ["市委组织部"], ["市人社局"]),
        ],
    )
    def test_who_leads_is_read_from_each_wording(self, clause, lead, co):
        (task,) = tasks_of(read("一、重点任务", f"1.壮大仪表企业。新增仪表企业10家。{clause}"))

        assert (task["lead_units"], task["co_units"]) == (lead, co)


class TestRoleNotes:
    def test_a_role_note_is_no_task_and_no_unit(self):
        policy = read(
            "一、重点任务",
            "（除标注“分别牵头”外，列第一位的为牵头单位，下同）",
            "1.拓展市场。仪表出口额增长10%。（市商务局、市工信局）",
        )

        (task,) = tasks_of(policy)
        assert (task["lead_units"], task["co_units"]) == (["市商务局"], ["市工信局"])

    def test_units_that_lead_their_parts_all_lead(self):
        (task,) = tasks_of(read("一、重点任务", "1.扩大投资。仪表产业投资年均增长9%。（市发改委、市工信局分别牵头）"))

        assert task["lead_units"] == ["市发改委", "市工信局"] and task["co_units"] == []


class TestAwkwardNumbers:
    def test_a_target_inside_quotes_is_read(self):
        t = only(read("一、主要目标", "到2026年，实现“培育仪表龙头企业20家左右”的目标。"))

        assert (t["value"], t["window"], t["year"]) == (20, "plan", 2026)

    def test_a_name_inside_quotes_is_not(self):
        assert targets_of(read("一、主要目标", "实施“1+2+3”仪表行动，打造“双百”园区。")) == []

    @pytest.mark.parametrize(
        ("sentence", "value"),
        [("产业规模达 5200 亿元以上。", 5200), ("营业收入增长 15%以上。", 15), ("集聚配套企业 200 家。", 200)],
    )
    def test_pdf_spaces_around_a_number_are_stepped_over(self, sentence, value):
        assert only(read("一、主要目标", "到2026年，" + sentence))["value"] == value

    def test_a_rank_is_a_ceiling_on_the_place(self):
        t = only(read("一、主要目标", "到2026年，仪表产业综合竞争力跃居全省前15位。"))

        assert (t["value"], t["comparison"], t["window"]) == (15, "at_most", "date")

    def test_an_index_without_a_unit_is_read(self):
        t = only(read("一、主要目标", "到2026年，仪表企业数字化水平指数达68。"))

        assert t["value"] == 68

    def test_a_count_of_named_things_is_not_a_target(self):
        policy = read("一、主要目标", "做强流量计、传感器、分析仪等3个细分领域，到2026年新增仪表企业25家。")

        assert [t["value"] for t in targets_of(policy)] == [25]

    def test_a_per_unit_target_applies_to_each(self):
        found = targets_of(read("一、主要目标", "每个县(市、区)建设仪表服务站不少于1个，全市累计建成30个。"))

        assert [(t["value"], t["applies_to"]) for t in found] == [(1, "each"), (30, "total")]


class TestNotTargets:
    def test_an_item_number_fused_to_a_label_is_not_a_count(self):
        assert targets_of(read("一、重点任务", "1.实施12.345人才工程，强化仪表人才支撑。")) == []

    def test_a_size_class_nothing_grows_to_is_not_a_target(self):
        assert targets_of(read("一、重点任务", "1.对30亿级仪表项目实行专班服务。")) == []

    def test_a_size_class_something_grows_to_still_is(self):
        assert only(read("一、主要目标", "到2026年，培育形成500亿级仪表产业集群。"))["value"] == 500

    def test_eligibility_conditions_are_not_targets(self):
        policy = read(
            "一、支持措施",
            "1.支持仪表企业。申报企业须同时具备以下条件：研发投入占营业收入比例不低于4%；研发人员占比不低于15%。",
        )

        assert targets_of(policy) == []


class TestNewCity:
    def test_a_code_is_the_city_the_topic_in_pinyin_and_the_start_year(self):
        assert (
            policy_code("shifan", "示范市产业链培育实施方案", "2025-01-01", city_name="示范市") == "shifan-chanye-2025"
        )
        assert topic("某某市关于加快推进数字经济发展的实施意见") == "shuzi"

    def test_a_taken_code_gets_the_next_free_number(self):
        assert unique("shifan-chanye-2025", {"shifan-chanye-2025", "shifan-chanye-2025-2"}) == "shifan-chanye-2025-3"

    def test_the_reader_leaves_a_missing_title_empty_and_the_review_asks_for_it(self):
        policy = read("一、主要目标", "新增仪表企业10家。", title=None)

        assert policy["title"] == "" and policy["period"]["start"] is None
        assert any("标题" in p for p in missing_head(policy))

    def test_the_plan_period_may_be_given_as_years_and_dates_the_targets_left_open(self):
        policy = read("一、主要目标", "新增仪表企业10家。", title=None)

        errors = apply_edits(policy, {"title": "某某市仪表方案", "period_start": "2025", "period_end": "2027-06"})

        assert errors == [] and missing_head(policy) == []
        assert policy["period"] == {"start": "2025-01-01", "end": "2027-06-30"}
        assert only(policy)["year"] == 2027


class TestRestatedAndNamedForms:
    def test_a_doubling_that_restates_the_amount_before_it_is_no_second_target(self):
        found = targets_of(read("一、主要目标", "到2026年，仪表产业规模达到400亿元，较2023年翻一番。"))

        assert [t["value"] for t in found] == [400]

    def test_an_action_named_after_full_coverage_is_no_target(self):
        policy = read(
            "一、重点任务", "1.仪表企业研发机构全覆盖行动。到2026年，新增企业研发机构40家。（责任单位：市科技局）"
        )

        assert [t["value"] for t in targets_of(policy)] == [40]


class TestIndicatorTables:
    def test_a_table_of_indicators_gives_target_milestones_and_baseline(self):
        policy = read(
            "一、发展目标",
            "序号 指标名称 单位 2023年（基期） 2024年 2025年 2026年 属性",
            "1 仪表企业数量 家 120 130 140 160 预期性",
            "2 仪表出口占比 % 8 — — ≤12 预期性",
        )

        first, second = targets_of(policy)
        assert (first["value"], first["year"], first["baseline"], first["baseline_date"]) == (
            160,
            2026,
            120,
            "2023-12-31",
        )
        assert first["milestones"] == [{"year": 2024, "value": 130}, {"year": 2025, "value": 140}]
        assert (second["value"], second["comparison"], second["milestones"]) == (12, "at_most", [])
        assert all(t["source_quote"] in policy["source_text"] for t in (first, second))

    def test_a_bracketed_value_is_a_sum_over_the_plan(self):
        policy = read("序号|指标|单位|2026年", "1|新增仪表企业|家|[40]")

        assert (only(policy)["value"], only(policy)["window"]) == (40, "plan")


class TestBlocksAndYearsInItems:
    def test_a_units_line_after_numbered_items_covers_the_whole_block(self):
        policy = read(
            "一、重点行动",
            "1.仪表园区行动",
            "（1）新增仪表园区用地300亩。",
            "（2）建成标准厂房20万平方米。",
            "责任单位：市自然资源局、市住建局",
            "2.仪表招商行动。每年引进仪表项目12个。（责任单位：市商务局）",
        )

        units = {t["text"][:6]: (t["lead_units"], t["co_units"]) for t in tasks_of(policy)}
        assert units["新增仪表园区"] == units["建成标准厂房"] == (["市自然资源局"], ["市住建局"])
        assert units["仪表招商行动"] == (["市商务局"], [])

    def test_units_said_to_do_their_share_are_co_units(self):
        (task,) = tasks_of(
            read("一、重点任务", "1.扩大投资。新增仪表项目20个。（市发改委牵头，市财政局、市税务局按职责分工负责）")
        )

        assert (task["lead_units"], task["co_units"]) == (["市发改委"], ["市财政局", "市税务局"])

    def test_each_item_with_its_own_year_is_due_that_year(self):
        found = targets_of(
            read("一、主要目标", "到2026年，仪表产业营业收入达到300亿元，其中2024年达到220亿元、2025年达到260亿元。")
        )

        assert sorted((t["value"], t["year"]) for t in found) == [(220, 2024), (260, 2025), (300, 2026)]

    def test_a_year_sum_in_a_one_year_plan_is_the_plans_sum(self):
        policy = read(
            "一、年度任务", "1.全年完成仪表产业投资50亿元。（责任单位：市发改委）", title="某某市2025年仪表产业工作要点"
        )

        assert (only(policy)["window"], only(policy)["year"]) == ("plan", 2025)

    def test_firms_that_are_to_enter_a_ranking_are_a_level(self):
        found = targets_of(read("一、主要目标", "到2026年，新增仪表企业30家，力争2—3家企业进入全国仪表百强。"))

        assert [(t["value"], t["window"]) for t in found] == [(30, "plan"), (2, "date")]


class TestPdfLineBreaks:
    def test_a_sentence_broken_over_lines_is_read_as_one(self):
        policy = read(
            "一、主要目标",
            "到2026年，全市仪器仪表产业营业收入达到",
            "260亿元，新建仪表检测公共服务平台",
            "4个。",
        )

        found = targets_of(policy)
        assert [(t["value"], t["window"], t["year"]) for t in found] == [(260, "date", 2026), (4, "plan", 2026)]
        assert len(tasks_of(policy)) == 1
        assert all(t["source_quote"] in policy["source_text"] for t in found)

    def test_a_unit_name_broken_at_a_line_end_is_joined(self):
        (task,) = tasks_of(
            read("一、重点任务", "1.拓展应用。每年新增仪表应用场景5个。（责任单位：市交", "通运输局、市住建局）")
        )

        assert (task["lead_units"], task["co_units"]) == (["市交通运输局"], ["市住建局"])


def test_full_coverage_of_a_reform_is_its_reach_not_a_target():
    policy = read("一、重点任务", "1.深化改革。推行仪表项目承诺制改革全覆盖，到2026年规上仪表企业研发机构实现全覆盖。")

    (only_target,) = targets_of(policy)
    assert only_target["value"] == 100 and only_target["source_quote"].endswith("研发机构实现全覆盖")


def test_items_after_a_conditions_lead_in_are_not_targets():
    policy = read(
        "一、支持措施",
        "申报仪表领军企业，应同时符合下列条件：",
        "（1）研发投入占营业收入比例不低于5%；",
        "（2）近三年营业收入年均增长10%以上。",
        "二、工作目标",
        "到2026年，认定仪表领军企业10家。",
    )

    assert [t["value"] for t in targets_of(policy)] == [10]


def test_a_word_task_table_is_read_by_its_columns():
    import io
    import zipfile

    from catalogue.ingest import text_from_docx

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

    def row(*cells):
        tcs = "".join(f"<w:tc><w:p><w:r><w:t>{c}</w:t></w:r></w:p></w:tc>" for c in cells)
        return f"<w:tr>{tcs}</w:tr>"

    table = row("序号", "重点任务", "牵头单位", "配合单位", "完成时限") + row(
        "1", "新增仪表企业15家。", "市工信局", "市统计局、市财政局", "2025年12月"
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}"><w:body>'
        f"<w:p><w:r><w:t>某某市仪表产业任务分工表</w:t></w:r></w:p><w:tbl>{table}</w:tbl></w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", xml)

    policy = read_policy(text_from_docx(out.getvalue()), city_code="demo", title=PLAN)

    (task,) = tasks_of(policy)
    assert (task["lead_units"], task["co_units"]) == (["市工信局"], ["市统计局", "市财政局"])
    assert (only(policy)["value"], only(policy)["year"]) == (15, 2025)


def test_a_task_table_with_a_column_per_year_gives_yearly_figures_and_units():
    policy = read(
        "序号|重点任务|2024年|2025年|2026年|牵头单位|配合单位",
        "1|新增规上仪表企业（家）|30|40|50|市工信局|市统计局",
        "2|仪表产业营业收入（亿元）|200|230|260|市工信局|市发改委",
    )

    first, second = targets_of(policy)
    assert (first["window"], first["value"], first["milestones"]) == (
        "annual",
        50,
        [{"year": 2024, "value": 30}, {"year": 2025, "value": 40}],
    )
    assert (second["window"], second["year"], second["value"]) == ("date", 2026, 260)
    assert tasks_of(policy)[1]["co_units"] == ["市发改委"]


@pytest.mark.parametrize("folder", ["corpus", "holdout"])
def test_every_corpus_draft_passes_the_schema_and_the_catalogue_rules(folder):
    import json
    from pathlib import Path

    import jsonschema

    from catalogue import checking

    root = Path(__file__).resolve().parents[2]
    schema = json.loads((root / "docs" / "export-schema.json").read_text(encoding="utf-8"))
    documents = sorted((root / "fixtures" / "ingest" / folder).glob("*.txt"))
    assert documents
    for path in documents:
        policy = read_policy(path.read_text(encoding="utf-8"), city_code="demo")
        jsonschema.validate({"policies": [policy]}, schema)
        assert checking.validate_policy(policy, path.name, policy["source_text"], []) == [], path.name


def test_goals_said_before_the_first_heading_are_read():
    policy = read(
        "某某市2025年仪表产业工作要点",
        "2025年全市仪表产业的主要预期目标是：营业收入增长8%，新增仪表企业20家。",
        "一、重点工作",
        "1.壮大企业。培育仪表龙头企业2家。（责任单位：市工信局）",
        title=None,
    )

    assert [(t["value"], t["year"]) for t in targets_of(policy)] == [(8, 2025), (20, 2025), (2, 2025)]


def test_the_signature_is_no_part_of_the_last_task():
    policy = read(
        "一、重点任务",
        "（一）拓展市场。每年组织仪表企业参展20场。由市商务局牵头，各县（市、区）政府负责落实。",
        "某某市人民政府办公室",
        "2024年5月6日",
    )

    (task,) = tasks_of(policy)
    assert (task["lead_units"], task["counties_implement"]) == (["市商务局"], True)
    assert "人民政府办公室" not in task["text"]


def test_every_chain_with_at_least_a_number_applies_to_each():
    found = targets_of(read("一、主要目标", "每条仪表产业链培育链主企业不少于2家，到2026年全市链主企业达到12家。"))

    assert [(t["value"], t["applies_to"]) for t in found] == [(2, "each"), (12, "total")]


def test_a_table_copied_one_cell_per_line_is_read_by_its_columns():
    policy = read(
        "序号", "重点任务", "牵头单位", "配合单位", "完成时限",
        "1", "新增仪表企业20家。", "市工信局", "市统计局、市财政局", "2025年底",
        "2", "建成仪表检测平台3个。", "市市场监管局", "各县（市、区）政府", "2026年",
    )  # fmt: skip

    first, second = tasks_of(policy)
    assert (first["lead_units"], first["co_units"]) == (["市工信局"], ["市统计局", "市财政局"])
    assert (second["lead_units"], second["counties_implement"]) == (["市市场监管局"], True)
    assert [(t["value"], t["year"]) for t in targets_of(policy)] == [(20, 2025), (3, 2026)]


def test_this_year_and_next_year_count_from_the_issue_year():
    policy = read(
        "某某市人民政府关于印发某某市仪表工作方案的通知",
        "2024年3月1日",
        "一、主要目标",
        "今年年底前，新增仪表企业10家；明年，仪表企业达到120家。",
        title=None,
    )

    assert [(t["value"], t["year"]) for t in targets_of(policy)] == [(10, 2024), (120, 2025)]
    assert policy["period"]["end"] == "2025-12-31"


def test_a_deadline_column_with_a_month_or_quarter_dates_the_row_to_its_end():
    policy = read(
        "序号 重点工作任务 牵头单位 配合单位 完成时限",
        "1 建成仪表促进中心1个。 市科技局 市工信局 2025年6月底前",
        "2 新增仪表企业10家。 市工信局 市统计局 2025年第三季度",
    )

    assert [t["deadline"] for t in targets_of(policy)] == ["2025-06-30", "2025-09-30"]


def test_a_rise_compared_with_a_year_has_that_year_as_its_base():
    t = only(read("一、主要目标", "到2026年，仪表设备投资较2023年增长25%以上。"))

    assert (t["value"], t["year"], t["baseline_date"]) == (25, 2026, "2023-12-31")


def test_chinese_numerals_after_any_verb_of_doing_are_read():
    found = targets_of(read("一、主要目标", "到2026年，新建仪表厂房一百万平方米，引育仪表人才团队三十个。"))

    assert [(t["value"], t["window"]) for t in found] == [(100, "plan"), (30, "plan")]


def test_units_named_in_a_heading_hold_for_the_tasks_under_it():
    policy = read(
        "一、重点行动",
        "（一）仪表企业培育行动（牵头单位：市工信局；配合单位：市科技局、市市场监管局）",
        "1.每年新增仪表企业20家。",
        "2.到2026年，仪表“小巨人”企业达到8家。",
        "（二）仪表金融服务行动（牵头单位：市金融办）",
        "3.每年组织仪表银企对接活动6场。",
    )

    units = [(t["number"], t["lead_units"], t["co_units"]) for t in tasks_of(policy)]
    assert units == [
        ("1", ["市工信局"], ["市科技局", "市市场监管局"]),
        ("2", ["市工信局"], ["市科技局", "市市场监管局"]),
        ("3", ["市金融办"], []),
    ]
    section = policy["sections"][0]["sections"][0]
    assert section["title"] == "仪表企业培育行动"


def test_units_in_brackets_after_a_measures_title_are_its_units():
    (task,) = tasks_of(
        read(
            "一、具体措施",
            "1.加强仪表企业服务（市工信局牵头，市发改委、市统计局配合）。全年走访仪表企业不少于300家次。",
        )
    )

    assert (task["lead_units"], task["co_units"]) == (["市工信局"], ["市发改委", "市统计局"])
    t = task["indicators"][0]["targets"][0]
    assert (t["value"], t["window"]) == (300, "plan")


def test_each_one_is_not_the_number_one():
    assert targets_of(read("一、重点任务", "1.县级实地走访每一个仪表企业。")) == []


@pytest.mark.parametrize(
    ("sentence", "value", "unit"), [("光伏组件产能达到20吉瓦。", 20, "吉瓦"), ("仪表燃料热值达到35兆焦。", 35, "兆焦")]
)
def test_a_unit_of_its_own_after_a_level_verb_is_kept(sentence, value, unit):
    policy = read("一、主要目标", "到2026年，" + sentence)

    (ind,) = [i for task in tasks_of(policy) for i in task["indicators"]]
    assert (ind["targets"][0]["value"], ind["unit"]) == (value, unit)


def test_a_table_with_a_target_column_and_no_year_is_due_at_the_plans_end():
    policy = read(
        "一、主要目标",
        "序号\t指标名称\t单位\t基期值\t目标值",
        "1\t仪表出口额\t亿元\t30\t45",
    )

    t = only(policy)
    assert (t["value"], t["year"], t["baseline"], t["deadline_inferred"]) == (45, 2026, 30, True)


def test_a_round_magnitude_after_a_level_verb_is_a_number():
    found = targets_of(read("一、主要目标", "到2026年，仪表产业营业收入突破千亿元，仪表企业数量突破千家。"))

    assert [(t["value"]) for t in found] == [1000, 1000]


def test_a_measure_named_after_doubling_is_no_target():
    policy = read("一、重点任务", "（一）实施仪表企业倍增。每年新增仪表企业30家。（责任单位：市工信局）")

    assert [t["value"] for t in targets_of(policy)] == [30]


def test_a_yearly_amount_that_qualifies_the_noun_does_not_make_a_count_a_level():
    t = only(read("一、主要目标", "到2026年，每个县（市、区）培育年产值超5亿元的仪表企业2家以上。"))

    assert (t["value"], t["window"], t["applies_to"]) == (2, "plan", "each")
