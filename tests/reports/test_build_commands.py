import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from openpyxl import load_workbook

from tests.reports.test_dashboards import approve


@pytest.mark.parametrize(
    ("command", "option", "label"),
    [("build_dispatch", "--month", "2025-09"), ("build_bulletin", "--quarter", "2025Q3")],
)
def test_the_stable_commands_write_the_workbook(world, tmp_path, command, option, label):
    approve(world.a, world.a.county, 9, {world.a.indicator.pk: "60", world.a.flow.pk: "18"}, world.users["reviewer"])
    out = tmp_path / "report.xlsx"

    call_command(command, "--policy", world.a.policy.code, option, label, "--out", str(out), stdout=io.StringIO())

    workbook = load_workbook(out)
    assert len(workbook.sheetnames) >= 4


def test_a_malformed_quarter_is_refused_in_chinese(world, tmp_path):
    with pytest.raises(CommandError, match="季度应为 YYYYQN"):
        call_command(
            "build_bulletin", "--policy", world.a.policy.code, "--quarter", "2025-3", "--out", str(tmp_path / "x.xlsx")
        )


@pytest.mark.parametrize(
    ("command", "option", "label"),
    [("build_dispatch", "--month", "2013-01"), ("build_bulletin", "--quarter", "2031Q1")],
)
def test_a_period_outside_the_plan_is_refused_and_writes_nothing(world, tmp_path, command, option, label):
    out = tmp_path / "x.xlsx"

    with pytest.raises(CommandError, match="不在该政策文件的计划期"):
        call_command(command, "--policy", world.a.policy.code, option, label, "--out", str(out))

    assert not out.exists()


def test_build_bulletin_writes_the_tongbao_beside_its_attachments_with_document(world, tmp_path):
    approve(world.a, world.a.county, 9, {world.a.indicator.pk: "60", world.a.flow.pk: "18"}, world.users["reviewer"])
    out, document = tmp_path / "附件.xlsx", tmp_path / "通报.docx"

    call_command(
        "build_bulletin",
        "--policy",
        world.a.policy.code,
        "--quarter",
        "2025Q3",
        "--out",
        str(out),
        "--document",
        str(document),
        stdout=io.StringIO(),
    )

    assert "指标完成情况" in load_workbook(out).sheetnames
    text = [p.text for p in Document(str(document)).paragraphs]
    assert any(line.startswith("关于2025年第三季度") and line.endswith("推进情况的通报") for line in text)
    assert any(line.startswith("截至2025年第三季度末") for line in text)
