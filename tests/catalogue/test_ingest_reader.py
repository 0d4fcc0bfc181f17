"""The ingest reader turns a policy document's text into a draft catalogue entry.

Every sentence here is invented for the test: the reader must not depend on the shipped
documents. No database is needed: the reader is plain Python.
"""

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from catalogue import checking
from catalogue.ingest import (
    MAX_DOCUMENT_BYTES,
    IngestError,
    check_size,
    check_text,
    read_file,
    read_policy,
    text_from_bytes,
    text_from_docx,
)
from catalogue.ingest.numbers import parse_cn
from catalogue.ingest.textio import TOO_LARGE_MESSAGE

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = [ROOT / "docs" / "export-schema.json", ROOT.parent / "shared" / "export-schema.json"]
PLAN = "某某市智能装备产业提升行动方案(2024—2026年)"


def read(*lines: str, title: str | None = PLAN, city_code: str = "demo") -> dict:
    return read_policy("\n".join(lines), city_code=city_code, title=title)


def goal(paragraph: str, **kwargs) -> dict:
    """A document whose only section is one goal paragraph."""
    return read("一、主要目标", paragraph, **kwargs)


def tasks_of(policy: dict) -> list[dict]:
    out = []

    def walk(sections):
        for section in sections:
            out.extend(section["tasks"])
            walk(section["sections"])

    walk(policy["sections"])
    return out


def targets_of(policy: dict) -> list[tuple[dict, dict]]:
    return [(ind, t) for task in tasks_of(policy) for ind in task["indicators"] for t in ind["targets"]]


def only_target(policy: dict) -> tuple[dict, dict]:
    found = targets_of(policy)
    assert len(found) == 1, [t["source_quote"] for _i, t in found]
    return found[0]


SAMPLE = "\n".join(
    [
        "首页 > 政务公开 > 文件库",
        "某某市人民政府办公室关于印发《某某市智能装备产业提升行动方案(2024—2026年)》的通知",
        "某政办〔2024〕9号",
        "阅读量：356",
        "各县(市、区)人民政府,市政府各部门:",
        "《某某市智能装备产业提升行动方案(2024—2026年)》已经市政府同意,现印发给你们,请认真组织实施。",
        "某某市人民政府办公室",
        "2024年2月20日",
        "一、主要目标",
        "到2026年,全市智能装备产业营业收入突破800亿元,规上企业达到260家,研发投入占营业收入比重达到3%。",
        "二、重点任务",
        "(一)壮大企业主体",
        "1.培育骨干企业。每年新增规上智能装备企业30家,累计培育单项冠军企业5家。"
        "(责任单位:市工业和信息化局、市科学技术局,以下均需各县(市、区)人民政府落实,不再列出)",
        "2.推进数字化改造。到2025年,重点企业数字化改造实现全覆盖。(牵头单位:市数据局;配合单位:市财政局)",
        "三、保障措施",
        "(一)加强统筹调度。市工业和信息化局发挥牵头抓总作用,建立月调度机制。",
        "扫一扫在手机打开当前页",
        "【打印】【关闭】",
    ]
)


class TestStructure:
    def test_reads_sections_subsections_and_numbered_measures(self):
        policy = read_policy(SAMPLE, city_code="demo")

        top = policy["sections"]
        assert [(s["number"], s["title"]) for s in top] == [("一", "主要目标"), ("二", "重点任务"), ("三", "保障措施")]
        assert [(s["number"], s["title"]) for s in top[1]["sections"]] == [("一", "壮大企业主体")]
        assert [(t["number"], t["title"]) for t in top[1]["sections"][0]["tasks"]] == [
            ("1", "培育骨干企业"),
            ("2", "推进数字化改造"),
        ]

    def test_a_lettered_heading_with_a_sentence_after_it_is_a_measure(self):
        policy = read_policy(SAMPLE, city_code="demo")

        safeguard = policy["sections"][2]
        assert safeguard["sections"] == []
        assert [(t["number"], t["title"]) for t in safeguard["tasks"]] == [("一", "加强统筹调度")]

    def test_reads_full_width_numbering_and_sub_items(self):
        policy = read(
            "一、重点任务",
            "（一）夯实基础",
            "1．建设算力设施。新建数据中心机架2000个。（责任单位：市数据局）",
            "（1）每年新建边缘计算节点50个。",
            "（2）数据中心电能利用效率低于1.3。",
            "2、完善网络。新建基站800个。（责任单位：市通信办）",
        )

        tasks = tasks_of(policy)
        assert [t["number"] for t in tasks] == ["1", "2"]
        assert [t["source_quote"] for _i, t in targets_of(policy)] == [
            "新建数据中心机架2000个",
            "每年新建边缘计算节点50个",
            "数据中心电能利用效率低于1.3",
            "新建基站800个",
        ]

    def test_a_short_numbered_heading_of_items_becomes_a_subsection(self):
        policy = read(
            "一、重点任务",
            "1.创新平台",
            "（1）新建市级工程研究中心10家。（责任单位：市发展改革委）",
            "（2）新建市级重点实验室6家。（责任单位：市科学技术局）",
        )

        section = policy["sections"][0]["sections"][0]
        assert (section["number"], section["title"]) == ("1", "创新平台")
        assert [(t["number"], t["lead_units"]) for t in section["tasks"]] == [
            ("1", ["市发展改革委"]),
            ("2", ["市科学技术局"]),
        ]

    def test_reads_articles(self):
        policy = read(
            "第一章 总则", "第一条 为推进装备更新,制定本办法。", "第二条 到2026年,更新改造生产设备3000台(套)。"
        )

        assert [t["number"] for t in tasks_of(policy)] == ["一", "二"]
        assert only_target(policy)[1]["value"] == 3000

    def test_unnumbered_goal_paragraphs_are_tasks_with_their_own_titles(self):
        policy = read(
            "一、发展目标",
            "产业规模。到2026年,全市装备制造业产值达到1500亿元。",
            "创新能力。到2026年,新增省级企业技术中心20家。",
        )

        tasks = policy["sections"][0]["tasks"]
        assert [(t["number"], t["title"]) for t in tasks] == [(None, "产业规模"), (None, "创新能力")]


class TestResponsibleUnits:
    def test_the_first_unit_of_a_clause_leads(self):
        policy = read("一、重点任务", "1.做强龙头。引育链主企业。(责任单位:市商务局、市发展改革委、市财政局)")

        task = tasks_of(policy)[0]
        assert (task["lead_units"], task["co_units"]) == (["市商务局"], ["市发展改革委", "市财政局"])

    def test_reads_lenticular_brackets_and_traditional_names(self):
        policy = read("一、重點任務", "1.擴大投資。實施技改項目。〔責任單位:市發展改革委、市工業和信息化局〕")

        task = tasks_of(policy)[0]
        assert (task["lead_units"], task["co_units"]) == (["市发展改革委"], ["市工业和信息化局"])

    def test_reads_lead_and_co_labels(self):
        policy = read(
            "一、重点任务", "1.建设园区。(牵头单位:市自然资源和规划局;配合单位:市住房城乡建设局、市生态环境局)"
        )

        task = tasks_of(policy)[0]
        assert task["lead_units"] == ["市自然资源和规划局"]
        assert task["co_units"] == ["市住房城乡建设局", "市生态环境局"]

    def test_reads_lead_and_co_verbs_in_brackets_and_in_prose(self):
        policy = read(
            "一、重点任务",
            "1.优化服务。建立企业服务专员制度。(市营商环境局牵头,市市场监管局、市税务局配合)",
            "2.拓展市场。市商务局牵头,市贸促会配合,组织企业参加境外展会。",
        )

        first, second = tasks_of(policy)
        assert (first["lead_units"], first["co_units"]) == (["市营商环境局"], ["市市场监管局", "市税务局"])
        assert (second["lead_units"], second["co_units"]) == (["市商务局"], ["市贸促会"])

    def test_counties_implement_this_task_and_every_one_after_it(self):
        policy = read_policy(SAMPLE, city_code="demo")

        flags = [(t["number"], t["counties_implement"]) for t in tasks_of(policy)]
        assert flags == [(None, False), ("1", True), ("2", True), ("一", True)]
        assert tasks_of(policy)[1]["co_units"] == ["市科学技术局"]

    def test_a_bracketed_list_of_unit_names_is_a_clause(self):
        policy = read("一、保障措施", "(一)压实责任。建立工作专班。(市工业和信息化局、市财政局等)")

        task = tasks_of(policy)[0]
        assert (task["lead_units"], task["co_units"]) == (["市工业和信息化局"], ["市财政局"])

    def test_a_clause_on_its_own_line_belongs_to_the_measure_above(self):
        policy = read("一、重点任务", "1.降低能耗。推进节能改造。", "责任单位：市发展改革委、市生态环境局")

        task = tasks_of(policy)[0]
        assert (task["lead_units"], task["co_units"]) == (["市发展改革委"], ["市生态环境局"])

    @pytest.mark.parametrize(
        ("closing", "lead", "co"),
        [
            ("此项工作由市文旅局牵头,市商务局配合。", ["市文旅局"], ["市商务局"]),
            ("由市体育局负责。", ["市体育局"], []),
            ("市住房城乡建设局牵头,市城管局、市交通运输局配合。", ["市住房城乡建设局"], ["市城管局", "市交通运输局"]),
        ],
    )
    def test_a_last_sentence_that_only_names_the_units_is_the_clause(self, closing, lead, co):
        policy = read("一、重点任务", f"1.建设夜间街区。到2026年建成特色夜市8个,亮化率达到95%。{closing}")

        task = tasks_of(policy)[0]
        assert (task["lead_units"], task["co_units"]) == (lead, co)
        assert [t["value"] for _i, t in targets_of(policy)] == [8, 95]

    def test_a_last_sentence_about_something_else_is_not_a_clause(self):
        policy = read("一、重点任务", "1.营造氛围。建成宣传栏30个。由市委宣传部负责组织好各类宣传活动。")

        assert tasks_of(policy)[0]["lead_units"] == []

    def test_a_county_line_of_its_own_covers_every_task_after_it_and_is_no_task(self):
        policy = read(
            "一、主要目标",
            "到2026年,全市特色夜市达到20个。",
            "二、重点任务",
            "以下各项任务由各县(市、区)人民政府负责落实,不再一一列出。",
            "1.建设夜间街区。建成特色夜市8个。(责任单位:市文旅局)",
            "2.丰富消费场景。每年举办消费季活动6场。(责任单位:市商务局)",
        )

        tasks = tasks_of(policy)
        assert [(t["number"], t["counties_implement"]) for t in tasks] == [(None, False), ("1", True), ("2", True)]
        assert [t["number"] for t in policy["sections"][1]["tasks"]] == ["1", "2"]

    def test_a_task_without_units_says_why(self):
        policy = read("一、重点任务", "1.营造氛围。加强宣传报道。")

        task = tasks_of(policy)[0]
        assert task["lead_units"] == [] and task["no_unit_reason"]
        assert task["confidence"] < 0.5

    def test_guesses_the_policy_lead_unit_from_its_coordinating_role(self):
        policy = read_policy(SAMPLE, city_code="demo")

        assert policy["lead_unit"] == "市工业和信息化局"
        assert "市工业和信息化局" in {u["name"] for u in policy["units"]}


class TestTargets:
    def test_a_level_reached_by_a_deadline(self):
        ind, target = only_target(goal("到2025年底,全市工业机器人密度达到每万人300台。"))

        assert (target["value"], target["window"], target["year"], target["deadline"]) == (
            300,
            "date",
            2025,
            "2025-12-31",
        )
        assert target["deadline_inferred"] is False
        assert ind["measure"] == "level" and ind["unit"] == "台"

    @pytest.mark.parametrize("verb", ["突破", "超过", "达"])
    def test_breaking_or_exceeding_a_number_is_at_least_it(self, verb):
        ind, target = only_target(goal(f"到2026年,智能装备产业产值{verb}900亿元。"))

        assert (target["value"], target["comparison"], ind["unit"], target["window"]) == (
            900,
            "at_least",
            "亿元",
            "date",
        )

    def test_each_year_new_is_an_annual_flow(self):
        ind, target = only_target(goal("每年新增省级专精特新企业40家。"))

        assert (target["window"], target["year"], target["deadline"]) == ("annual", None, None)
        assert (ind["measure"], ind["rollup"], ind["direction"]) == ("flow", "sum", "up")

    def test_cumulative_is_summed_over_the_plan(self):
        ind, target = only_target(goal("累计建成智能工厂50家。"))

        assert (target["window"], target["year"], target["deadline_inferred"]) == ("plan", 2026, True)
        assert ind["measure"] == "flow"

    def test_new_over_the_plan_is_summed_over_the_plan(self):
        _ind, target = only_target(goal("到2026年,新增上市企业6家。"))

        assert (target["window"], target["year"]) == ("plan", 2026)

    @pytest.mark.parametrize(
        "sentence",
        ["培育链主企业10家以上。", "培育链主企业不少于10家。", "力争培育链主企业10家。", "培育链主企业至少10家。"],
    )
    def test_at_least_forms(self, sentence):
        _ind, target = only_target(goal(sentence))

        assert (target["value"], target["comparison"]) == (10, "at_least")

    @pytest.mark.parametrize("written", ["3—5个", "3-5个", "3~5个", "3至5个", "3个至5个"])
    def test_ranges(self, written):
        _ind, target = only_target(goal(f"每年建设特色园区{written}。"))

        assert (target["value"], target["value_max"], target["comparison"]) == (3, 5, "range")

    def test_a_share_is_a_single_level_in_percent(self):
        ind, target = only_target(goal("到2026年,高端装备产值占装备制造业比重达到45%。"))

        assert (target["value"], ind["unit"], target["window"]) == (45, "%", "date")
        assert (ind["measure"], ind["rollup"]) == ("level", "single")

    def test_a_yearly_average_growth_is_annual(self):
        ind, target = only_target(goal("工业投资年均增长8%以上。"))

        assert (target["value"], target["window"], ind["rollup"], ind["growth_rate"]) == (8, "annual", "single", True)

    def test_points_above_an_average_after_a_yearly_growth_are_annual(self):
        found = targets_of(goal("数字产业营业收入年均增长12%,高于全省平均水平2个百分点。"))

        assert [(i["unit"], t["value"], t["window"]) for i, t in found] == [
            ("%", 12, "annual"),
            ("百分点", 2, "annual"),
        ]

    def test_below_is_a_ceiling(self):
        ind, target = only_target(goal("到2026年,单位工业增加值能耗低于0.45吨标准煤/万元。"))

        assert (target["value"], target["comparison"], ind["direction"], ind["unit"]) == (
            0.45,
            "at_most",
            "down",
            "吨标准煤/万元",
        )

    def test_full_coverage_is_one_hundred_percent(self):
        ind, target = only_target(goal("到2025年,实现规上企业安全生产监测全覆盖。"))

        assert (target["value"], ind["unit"], target["window"], target["year"]) == (100, "%", "date", 2025)

    def test_two_milestones_are_two_targets_of_one_indicator(self):
        policy = goal("到2025年,全市绿色工厂达到40家;到2026年,全市绿色工厂达到60家。")

        (ind,) = tasks_of(policy)[0]["indicators"]
        assert [(t["value"], t["year"]) for t in ind["targets"]] == [(40, 2025), (60, 2026)]

    def test_a_milestone_without_a_subject_continues_the_indicator_before_it(self):
        policy = goal("到2025年建成数字化车间15个,到2026年建成25个。")

        (ind,) = tasks_of(policy)[0]["indicators"]
        assert [(t["value"], t["window"], t["year"]) for t in ind["targets"]] == [
            (15, "plan", 2025),
            (25, "plan", 2026),
        ]

    def test_respectively_pairs_subjects_and_values(self):
        found = targets_of(goal("到2026年,工业云平台应用率和设备联网率分别达到60%、55%。"))

        assert [(i["name"], t["value"]) for i, t in found] == [("工业云平台应用率", 60), ("设备联网率", 55)]

    def test_a_shared_quantifier_gives_each_item_its_own_indicator_and_quote(self):
        text = "每年新认定科技型企业120家、瞪羚企业15家、独角兽培育企业3家。"
        found = targets_of(goal(text))

        assert [(t["value"], t["window"]) for _i, t in found] == [(120, "annual"), (15, "annual"), (3, "annual")]
        assert [t["source_quote"] for _i, t in found] == [
            "每年新认定科技型企业120家",
            "瞪羚企业15家",
            "独角兽培育企业3家",
        ]

    def test_a_verb_before_a_shared_quantifier_is_said_of_every_item(self):
        found = targets_of(goal("到2026年,培育市级文旅示范企业、夜间消费集聚区各30个。"))

        assert [(i["name"], t["value"], t["window"], t["year"]) for i, t in found] == [
            ("市级文旅示范企业", 30, "plan", 2026),
            ("夜间消费集聚区", 30, "plan", 2026),
        ]

    def test_cumulative_after_each_year_is_summed_over_the_plan(self):
        found = targets_of(goal("每年新增入库项目60个以上,累计培育示范商圈400个。"))

        assert [(t["value"], t["window"], t["year"]) for _i, t in found] == [(60, "annual", None), (400, "plan", 2026)]

    def test_items_after_a_cumulative_share_its_plan_window(self):
        found = targets_of(goal("每年实施街区改造项目80项,累计建成示范街区12个、智慧商圈5个。"))

        assert [(t["value"], t["window"]) for _i, t in found] == [(80, "annual"), (12, "plan"), (5, "plan")]

    def test_a_coverage_after_each_year_is_a_level_by_the_plan_end(self):
        found = targets_of(goal("每年开展应急演练不少于3次,重点场所安全培训实现100%覆盖。"))

        assert [(t["value"], t["window"], t["year"]) for _i, t in found] == [(3, "annual", None), (100, "date", 2026)]

    def test_a_growth_after_each_year_stays_annual(self):
        found = targets_of(goal("每年新增限上商贸企业25家,社会消费品零售总额增长7%。"))

        assert [(t["value"], t["window"]) for _i, t in found] == [(25, "annual"), (7, "annual")]

    def test_the_verb_of_a_size_qualifier_is_not_the_verb_of_the_count(self):
        found = targets_of(goal("到2026年,培育营收超8亿元企业5家、超2亿元企业20家。"))

        assert [(t["value"], t["window"], t["year"]) for _i, t in found] == [(5, "plan", 2026), (20, "plan", 2026)]

    @pytest.mark.parametrize("verbs", ["打造和提升", "建设并提升", "改造及提升"])
    def test_two_joined_verbs_are_summed_over_the_plan(self, verbs):
        _ind, target = only_target(goal(f"到2026年,{verbs}社区食堂20个。"))

        assert (target["value"], target["window"], target["year"]) == (20, "plan", 2026)

    @pytest.mark.parametrize(
        ("sentence", "value", "unit"),
        [
            ("每年新增规上企业三家。", 3, "家"),
            ("到2026年,装备产业规模突破一千亿元。", 1000, "亿元"),
            ("每年举办对接活动不少于两场。", 2, "场"),
            ("每年新增发明专利十五件。", 15, "件"),
        ],
    )
    def test_reads_chinese_numerals(self, sentence, value, unit):
        ind, target = only_target(goal(sentence))

        assert (target["value"], ind["unit"]) == (value, unit)

    def test_reads_full_width_digits_and_keeps_them_in_the_quote(self):
        _ind, target = only_target(goal("每年新建５Ｇ基站１２００个。"))

        assert target["value"] == 1200
        assert target["source_quote"] == "每年新建５Ｇ基站１２００个"

    def test_reads_traditional_characters_and_quotes_them_as_written(self):
        policy = goal("到2026年,全市產業集群營業收入達到3200億元,每年新增規上企業60家。")

        found = targets_of(policy)
        assert [(i["unit"], t["value"], t["window"]) for i, t in found] == [
            ("亿元", 3200, "date"),
            ("家", 60, "annual"),
        ]
        assert found[0][1]["source_quote"] == "全市產業集群營業收入達到3200億元"
        assert found[0][0]["name"] == "产业集群营业收入"

    def test_every_quarter_is_four_times_a_year(self):
        _ind, target = only_target(goal("每季度召开1次产业链推进会。"))

        assert (target["value"], target["window"]) == (4, "annual")
        assert target["confidence"] < 0.9 and "每季度" in target["confidence_note"]

    def test_without_a_deadline_the_plan_end_applies_and_is_marked_inferred(self):
        _ind, target = only_target(goal("推动规上企业研发机构覆盖率达到60%。"))

        assert (target["year"], target["deadline"], target["deadline_inferred"]) == (2026, "2026-12-31", True)
        assert "计划期末" in target["confidence_note"]

    def test_a_time_limit_is_a_ceiling(self):
        ind, target = only_target(goal("企业诉求做到3个工作日内办结。"))

        assert (target["value"], ind["unit"], target["comparison"], ind["direction"]) == (
            3,
            "个工作日",
            "at_most",
            "down",
        )

    def test_a_monthly_rhythm_does_not_multiply_a_share_said_after_it(self):
        found = targets_of(goal("每月通报1次工作进展,考核权重不低于5%。"))

        assert [(t["value"], t["window"]) for _i, t in found] == [(12, "annual"), (5, "date")]

    def test_a_deadline_within_a_year(self):
        _ind, target = only_target(goal("2025年6月底前,完成老旧设备淘汰1200台。"))

        assert (target["year"], target["deadline"]) == (2025, "2025-06-30")

    def test_a_baseline_in_the_sentence(self):
        _ind, target = only_target(goal("孵化载体在孵企业从120家增加到300家。"))

        assert (target["value"], target["baseline"]) == (300, 120)

    @pytest.mark.parametrize(
        "sentence",
        [
            "聚焦投资超5亿元的重大项目,强化要素保障。",
            "对新认定的国家级制造业单项冠军企业奖励100万元。",
            "对照省里确定的新能源、新材料等12个重点产业链,编制招商图谱。",
            "经市政府第15次常务会议研究通过。",
            "深入实施“1+3+N”行动和“十百千”工程。",
            "推广5G、千兆光网等新型基础设施。",
            "对销售收入在2000万元以上的企业给予支持。",
            "开通政务热线,提供24小时在线服务。",
            "3个月内完成隐患排查整治。",
        ],
    )
    def test_numbers_that_are_not_targets(self, sentence):
        assert targets_of(goal(sentence)) == []

    def test_a_size_qualifier_before_the_count_is_not_a_target(self):
        _ind, target = only_target(goal("每年招引总投资10亿元以上的产业项目12个。"))

        assert (target["value"], target["window"]) == (12, "annual")

    def test_a_later_milestone_without_subjects_continues_the_indicators_in_order(self):
        policy = goal("到2025年,设备联网率达到50%,工业软件普及率达到40%;到2026年,分别达到60%、55%。")

        rows = [(i["name"], [(t["value"], t["year"]) for t in i["targets"]]) for i in tasks_of(policy)[0]["indicators"]]
        assert rows == [("设备联网率", [(50, 2025), (60, 2026)]), ("工业软件普及率", [(40, 2025), (55, 2026)])]

    def test_two_counts_joined_by_and_are_two_targets(self):
        found = targets_of(goal("到2026年,培育形成3个百亿级园区和8个五十亿级园区。"))

        assert [(t["value"], i["unit"]) for i, t in found] == [(3, "个"), (8, "个")]

    def test_an_amount_in_yi_is_in_yuan(self):
        ind, target = only_target(goal("到2026年,全市装备产业总量超过五千亿规模。"))

        assert (target["value"], ind["unit"]) == (5000, "亿元")

    def test_a_five_year_plan_is_a_deadline(self):
        _ind, target = only_target(goal("技术合同成交额到“十四五”末突破80亿元。", title=None))

        assert (target["year"], target["deadline_inferred"]) == (2025, False)

    def test_a_year_opening_a_clause_dates_it(self):
        _ind, target = only_target(goal("2025年全市规上工业增加值增长8%。"))

        assert (target["value"], target["window"], target["year"]) == (8, "date", 2025)

    def test_a_share_of_things_to_be_done_is_a_target(self):
        _ind, target = only_target(goal("到2026年底前,确保全市60%的老旧园区完成改造提升。"))

        assert (target["value"], target["year"]) == (60, 2026)

    def test_a_section_opening_with_a_deadline_dates_the_paragraphs_after_it(self):
        policy = read(
            "一、发展目标",
            "到2025年,全市制造业综合实力明显增强。",
            "——创新能力明显提升。规上工业企业研发机构覆盖率达到55%。",
        )

        _ind, target = only_target(policy)
        assert (target["year"], target["deadline_inferred"]) == (2025, False)
        assert tasks_of(policy)[1]["title"] == "创新能力明显提升"

    def test_a_document_without_numbering_is_read_paragraph_by_paragraph(self):
        policy = read_policy(
            "某某镇2024年工作要点\n今年全镇新建高标准农田3000亩,培育家庭农场15家。\n农民人均可支配收入增长6%以上。",
            city_code="demo",
        )

        assert policy["period"] == {"start": "2024-01-01", "end": "2024-12-31"}
        assert [t["value"] for _i, t in targets_of(policy)] == [3000, 15, 6]

    def test_quotes_are_exact_substrings_of_the_input_and_of_the_source_text(self):
        policy = read_policy(SAMPLE, city_code="demo")

        quotes = [t["source_quote"] for _i, t in targets_of(policy)]
        assert len(quotes) == 6
        assert all(q in SAMPLE and q in policy["source_text"] for q in quotes)


class TestFurniture:
    def test_page_furniture_is_dropped_from_the_source_text(self):
        page = "\n".join(
            [
                "某某节能科技有限公司-专注工业节能二十年",
                "当前位置：首页 > 政策文件",
                "某某市人民政府关于印发《某某市制造业提质行动方案》的通知",
                "发布日期：2023-06-01  浏览次数：1,024",
                "一、主要目标",
                "到2025年,规上工业增加值年均增长7%。",
                "分享到：微信 微博",
                "扫一扫在手机打开当前页",
                "【打印本页】 【关闭窗口】",
                "相关链接",
                "2023-05-20某某市关于促进消费的若干措施",
                "2023-04-11",
            ]
        )

        source = read_policy(page, city_code="demo")["source_text"]

        assert source.splitlines() == [
            "某某市人民政府关于印发《某某市制造业提质行动方案》的通知",
            "一、主要目标",
            "到2025年,规上工业增加值年均增长7%。",
        ]

    def test_traditional_furniture_is_recognised_too(self):
        page = "一、主要目標\n到2025年,新增規上企業50家。\n閱讀量：88\n掃一掃在手機打開當前頁"

        assert read_policy(page, city_code="demo")["source_text"] == "一、主要目標\n到2025年,新增規上企業50家。"


class TestDocument:
    def test_reads_title_number_dates_and_period(self):
        policy = read_policy(SAMPLE, city_code="demo", city_name="某某市")

        assert policy["title"] == "某某市智能装备产业提升行动方案(2024—2026年)"
        assert policy["doc_number"] == "某政办〔2024〕9号"
        assert policy["issued_on"] == "2024-02-20"
        assert policy["period"] == {"start": "2024-01-01", "end": "2026-12-31"}
        assert policy["city"] == {"code": "demo", "name": "某某市", "province": None}
        assert policy["script"] == "simplified"

    def test_a_traditional_title_is_shown_in_simplified(self):
        policy = read_policy(
            "關於印發《某某縣綠色製造實施方案》的通知\n一、主要目標\n到2025年,綠色工廠達到八家。", city_code="demo"
        )

        assert policy["title"] == "某某县绿色制造实施方案"
        assert policy["script"] == "traditional"

    def test_without_a_period_in_the_title_the_latest_deadline_ends_it(self):
        policy = read("一、主要目标", "到2027年,新增高新技术企业100家。", title=None)

        assert policy["period"]["end"] == "2027-12-31"
        assert policy["title"] == "" and "标题" in policy["confidence_note"]

    def test_the_draft_matches_the_export_schema_and_the_catalogue_rules(self):
        policy = read_policy(SAMPLE, city_code="demo")

        schema = next((json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS if p.is_file()), None)
        if schema is not None:
            jsonschema.validate({"policies": [policy]}, schema)
        errors = checking.validate_policy(policy, "draft", policy["source_text"], [])
        assert errors == []


def _docx(paragraphs: list[str], table: list[str] = ()) -> bytes:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    if table:
        cells = "".join(f"<w:tc><w:p><w:r><w:t>{c}</w:t></w:r></w:p></w:tc>" for c in table)
        body += f"<w:tbl><w:tr>{cells}</w:tr></w:tbl>"
    xml = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
    return out.getvalue()


class TestDocx:
    def test_paragraphs_become_lines_and_a_table_row_one_line_of_tab_separated_cells(self):
        data = _docx(["一、主要目标", "到2026年,新增智能工厂12家。"], table=["序号", "市工业和信息化局"])

        assert text_from_docx(data) == "一、主要目标\n到2026年,新增智能工厂12家。\n序号\t市工业和信息化局"

    def test_a_docx_upload_is_read_like_text(self):
        text = text_from_bytes(_docx(["一、主要目标", "每年新增规上企业20家。"]), "方案.docx")

        assert only_target(read_policy(text, city_code="demo"))[1]["value"] == 20


class TestUnreadableInput:
    @pytest.mark.parametrize("text", ["", "   \n\t  "])
    def test_empty_text(self, text):
        with pytest.raises(IngestError, match="为空"):
            read_policy(text, city_code="demo")

    def test_binary_data(self):
        with pytest.raises(IngestError, match="二进制"):
            text_from_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))

    def test_control_characters_in_text(self):
        with pytest.raises(IngestError, match="二进制"):
            read_policy("一、目标\x01\x02\x03\x04\x05\x06\x07\x08" * 3, city_code="demo")

    def test_huge_text(self):
        sentence = "每年新增企业10家。"
        with pytest.raises(IngestError, match="过大"):
            read_policy(sentence * (MAX_DOCUMENT_BYTES // len(sentence.encode()) + 1), city_code="demo")

    def test_one_size_limit_and_one_message_for_files_and_texts(self):
        over = MAX_DOCUMENT_BYTES + 1
        messages = set()
        for attempt in (
            lambda: text_from_bytes("企".encode() * (over // 3 + 1)),
            lambda: text_from_bytes(b"PK\x03\x04" + b"\x00" * over, "方案.docx"),
            lambda: check_text("企" * (over // 3 + 1)),
            lambda: check_size(over),
        ):
            with pytest.raises(IngestError) as caught:
                attempt()
            messages.add(str(caught.value))

        assert messages == {TOO_LARGE_MESSAGE}
        assert f"{MAX_DOCUMENT_BYTES // 1024 // 1024} MB" in TOO_LARGE_MESSAGE

    def test_a_missing_file_is_named_in_chinese(self, tmp_path):
        missing = tmp_path / "没有的方案.txt"

        with pytest.raises(IngestError) as caught:
            read_file(missing)

        assert str(caught.value) == f"找不到文件：{missing}"

    def test_undecodable_bytes(self):
        with pytest.raises(IngestError, match="编码"):
            text_from_bytes(b"\x80\xff" * 32)

    def test_text_without_chinese(self):
        with pytest.raises(IngestError, match="中文"):
            text_from_bytes(b"Annual report 2024: revenue grew 12%.")

    def test_a_damaged_docx(self):
        with pytest.raises(IngestError, match="损坏"):
            text_from_bytes(b"PK\x03\x04" + b"\x00garbage" * 10, "方案.docx")

    def test_a_zip_that_is_not_a_docx(self):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("readme.txt", "hello")

        with pytest.raises(IngestError, match="document.xml"):
            text_from_docx(out.getvalue())

    def test_an_old_word_file(self):
        with pytest.raises(IngestError, match=r"\.doc"):
            text_from_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "方案.doc")

    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
    def test_common_encodings_are_decoded(self, encoding):
        text = "一、主要目标\n每年新增规上企业20家。"

        assert text_from_bytes(text.encode(encoding)) == text


def test_the_reader_needs_no_django():
    code = "import sys, catalogue.ingest; sys.exit('django' in sys.modules)"

    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, check=False)

    assert result.returncode == 0, result.stderr


def test_chinese_numerals():
    assert [parse_cn(s) for s in ("三", "两", "十五", "一千", "三百五十", "一万二千", "二十")] == [
        3,
        2,
        15,
        1000,
        350,
        12000,
        20,
    ]
