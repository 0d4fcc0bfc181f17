from catalogue.ingest import read_policy
from catalogue.ingest.review import apply_edits, apply_unit_map, tasks_of

TEXT = """一、重点任务
1.壮大创新主体。到2027年，高新技术企业达到600家。（责任单位：市工信局、市科技局）
"""


def draft():
    return read_policy(TEXT, city_code="demo", city_name="示范市", title="示范方案（2025—2027年）")


def test_a_corrected_value_and_a_deleted_target_are_applied():
    data = draft()
    task = tasks_of(data)[0]
    assert task["indicators"][0]["targets"][0]["value"] == 600

    errors = apply_edits(
        data,
        {
            "t0-title": "壮大创新主体",
            "t0-lead": "市工信局",
            "t0-co": "市科技局",
            "g0-0-0-value": "650",
            "g0-0-0-comparison": "at_least",
            "g0-0-0-window": "date",
            "g0-0-0-year": "2027",
        },
    )

    assert errors == []
    assert tasks_of(data)[0]["indicators"][0]["targets"][0]["value"] == 650


def test_a_value_that_is_not_a_number_is_reported():
    data = draft()

    errors = apply_edits(data, {"t0-title": "x", "g0-0-0-value": "六百"})

    assert "不是数字" in errors[0]


def test_a_new_target_must_quote_the_text():
    data = draft()

    errors = apply_edits(data, {"new-quote": "编造的句子", "new-value": "3"})

    assert "原文摘录" in errors[0]


def test_units_are_mapped_to_existing_ones():
    data = draft()

    apply_unit_map(data, {"市工信局": {"name": "示范市工业和信息化局", "kind": "bureau", "code": "demo-gxj"}})

    assert tasks_of(data)[0]["lead_units"] == ["示范市工业和信息化局"]
    assert {"code": "demo-gxj", "name": "示范市工业和信息化局", "kind": "bureau"} in data["units"]


TWO = """一、重点任务
1.壮大创新主体。到2027年，高新技术企业达到600家。（责任单位：市工信局）
2.强化服务。每年组织培训不少于4场。（责任单位：市中小企业服务中心）
"""


def two():
    return read_policy(TWO, city_code="demo", city_name="示范市", title="示范方案（2025—2027年）")


def test_a_task_is_merged_into_the_previous_one():
    data = two()

    apply_edits(data, {"t1-merge": "on"})

    tasks = tasks_of(data)
    assert len(tasks) == 1
    assert {t["value"] for i in tasks[0]["indicators"] for t in i["targets"]} == {600, 4}
    assert set(tasks[0]["lead_units"]) == {"市工信局", "市中小企业服务中心"}


def test_a_task_is_deleted():
    data = two()

    apply_edits(data, {"t0-delete": "on"})

    assert [t["title"] for t in tasks_of(data)] == [tasks_of(two())[1]["title"]]


def test_a_task_is_split_and_its_targets_follow_their_sentence():
    data = two()
    text = tasks_of(data)[0]["text"]
    at = text[text.index("到2027年") :][:6]

    apply_edits(data, {"t0-split": at})

    first, second = tasks_of(data)[:2]
    assert first["indicators"] == [] and second["indicators"][0]["targets"][0]["value"] == 600
