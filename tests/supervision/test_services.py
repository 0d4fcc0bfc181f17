import datetime as dt

import pytest

from policies.scope import scope_for
from supervision import selectors, services
from supervision.models import Problem, ProblemEvent, Urge
from targets.models import AuditEntry, Notification
from tests import factories as f

from .conftest import EVE

State = Problem.State


class TestProblemRaise:
    def test_numbers_problems_per_policy_and_year(self, world, problem):
        second = services.problem_raise(
            policy=world.a.policy, title="第二个", by=world.users["reviewer"], source=Problem.Source.LEAD, at=EVE
        )
        other_policy = services.problem_raise(
            policy=world.b.policy, title="乙市的", by=world.users["admin"], source=Problem.Source.LEAD, at=EVE
        )

        assert (problem.number, second.number, other_policy.number) == ("2025-001", "2025-002", "2025-001")

    def test_keeps_the_raise_as_the_first_step_and_an_audit_row(self, problem):
        assert list(problem.events.values_list("kind", flat=True)) == ["raise"]
        assert problem.state == State.PENDING
        assert AuditEntry.objects.filter(action="problem_raise", object_id=str(problem.pk)).exists()

    def test_refuses_a_firm_code_with_a_wrong_check_digit(self, world):
        with pytest.raises(services.SupervisionError, match="校验位"):
            services.problem_raise(
                policy=world.a.policy,
                title="企业反映融资难",
                by=world.users["reviewer"],
                source=Problem.Source.FIRM,
                firm_name="某某科技有限公司",
                firm_credit_code="91350100M000100Y44",
            )
        assert not Problem.objects.exists()

    def test_a_report_line_becomes_a_problem_of_the_reports_unit_once(self, world, report_with_problems):
        made = services.problem_raise_from_report(report=report_with_problems, line=1, by=world.users["reporter"])
        again = services.problem_raise_from_report(report=report_with_problems, line=1, by=world.users["reporter"])

        assert made == again
        assert made.text == "2. 项目用地审批慢"
        assert made.raised_unit == world.a.county
        assert made.source == Problem.Source.REPORT and made.report == report_with_problems

    def test_a_line_that_is_not_there_is_refused(self, world, report_with_problems):
        with pytest.raises(services.SupervisionError):
            services.problem_raise_from_report(report=report_with_problems, line=5, by=world.users["reporter"])


class TestProblemAssign:
    def test_takes_the_policys_clock_across_national_day(self, assigned):
        # 1/3/5 working days from Tue 2025-09-30: 10-09, 10-11 (make-up Saturday), 10-14.
        assert assigned.state == State.IN_PROGRESS
        assert assigned.acknowledge_due_date == dt.date(2025, 10, 9)
        assert assigned.answer_due_date == dt.date(2025, 10, 11)
        assert assigned.due_date == dt.date(2025, 10, 14)

    def test_tells_the_units_clerks(self, world, assigned):
        note = Notification.objects.get(user=world.users["reporter"])

        assert "交办" in note.title and assigned.number in note.url

    def test_cannot_be_assigned_twice(self, world, assigned):
        with pytest.raises(services.IllegalMove):
            services.problem_assign(problem=assigned, unit=world.a.bureau, by=world.users["reviewer"])


class TestTheSteps:
    def test_close_needs_an_answer_first(self, world, assigned):
        with pytest.raises(services.IllegalMove, match="尚未答复"):
            services.problem_close(problem=assigned, by=world.users["reviewer"], result="已解决")

    def test_a_send_back_wants_a_new_answer_before_closing(self, world, answered):
        services.problem_return(problem=answered, by=world.users["reviewer"], reason="未附用地批复")

        assert answered.state == State.RETURNED
        with pytest.raises(services.IllegalMove):
            services.problem_close(problem=answered, by=world.users["reviewer"], result="x")
        services.problem_answer(problem=answered, by=world.users["reporter"], text="已附批复")
        services.problem_close(problem=answered, by=world.users["reviewer"], result="用地指标已落实", at=EVE)
        assert answered.state == State.CLOSED

    def test_an_extension_needs_a_later_date_and_keeps_the_reason(self, world, assigned):
        with pytest.raises(services.SupervisionError, match="晚于原期限"):
            services.problem_extend(
                problem=assigned, by=world.users["reviewer"], reason="等待省厅批复", due_date=dt.date(2025, 10, 1)
            )

        services.problem_extend(
            problem=assigned, by=world.users["reviewer"], reason="等待省厅批复", due_date=dt.date(2025, 10, 31)
        )

        assert assigned.state == State.EXTENDED and assigned.extensions == 1
        step = assigned.events.get(kind="extend")
        assert "等待省厅批复" in step.text and step.due_date == dt.date(2025, 10, 31)

    def test_every_step_is_kept_in_order(self, world, answered):
        services.problem_instruct(problem=answered, by=world.users["official"], text="抓紧落实")
        services.problem_close(problem=answered, by=world.users["reviewer"], result="已落实")

        kinds = list(answered.events.values_list("kind", flat=True))
        assert kinds == ["raise", "assign", "answer", "instruct", "close"]
        assert ProblemEvent.objects.get(kind="close").to_state == State.CLOSED

    def test_an_empty_answer_is_refused_and_changes_nothing(self, world, assigned):
        with pytest.raises(services.SupervisionError, match="办理情况"):
            services.problem_answer(problem=assigned, by=world.users["reporter"], text="  ")

        assigned.refresh_from_db()
        assert assigned.answered_at is None
        assert not assigned.events.filter(kind="answer").exists()


class TestWhoMayDoWhat:
    def test_the_unit_answers_the_reviewer_closes_the_official_instructs(self, world, answered):
        def actions(role):
            user = world.users[role]
            return set(services.problem_actions(answered, scope_for(user)))

        assert actions("reporter") == {"answer", "ask_extend"}
        assert actions("reviewer") == {"close", "return", "extend", "urge"}
        assert actions("official") == {"instruct"}
        assert actions("other_reporter") == set()


class TestOverdueReminders:
    def test_reminds_each_overdue_item_once_a_day_however_often_it_runs(self, world, assigned):
        late_day = dt.date(2025, 10, 20)

        first = services.overdue_remind(on_date=late_day)
        second = services.overdue_remind(on_date=late_day)
        next_day = services.overdue_remind(on_date=late_day + dt.timedelta(days=1))

        assert (first, second, next_day) == (1, 0, 1)
        assert Urge.objects.filter(problem=assigned, created_by=None).count() == 2
        assert Notification.objects.filter(user=world.users["reporter"], title__startswith="催办").count() == 2

    def test_an_item_not_yet_due_is_not_reminded(self, assigned):
        assert services.overdue_remind(on_date=dt.date(2025, 10, 14)) == 0

    def test_a_manual_urge_records_who_how_and_whom(self, world, assigned):
        world.users["reporter"].email = "clerk@example.org"
        world.users["reporter"].save()

        urge = services.problem_urge(problem=assigned, by=world.users["reviewer"])

        assert urge.created_by == world.users["reviewer"]
        assert urge.channels == "站内通知、邮件"
        assert world.users["reporter"].get_full_name() in urge.recipients
        assert assigned.events.filter(kind="urge").exists()


class TestReportUrge:
    def test_urges_only_the_units_that_have_not_submitted(self, world, report_submitted):
        urges = services.report_urge(policy=world.a.policy, year=2025, month=9, by=world.users["reviewer"])

        assert [u.unit for u in urges] == [world.a.bureau]
        assert urges[0].kind == Urge.Kind.REPORT and urges[0].period_label == "2025-09"


class TestExplanationRequest:
    def test_sends_one_assigned_item_per_unit_with_the_clocks_date(self, world, clock_1_3_5):
        made = services.explanation_request(
            policy=world.a.policy,
            indicator=world.a.indicator,
            units=[world.a.county, world.a.bureau],
            by=world.users["reviewer"],
            at=EVE,
        )

        assert {p.assignee for p in made} == {world.a.county, world.a.bureau}
        assert all(p.kind == Problem.Kind.EXPLANATION and p.state == State.IN_PROGRESS for p in made)
        assert made[0].due_date == dt.date(2025, 10, 14)


class TestSelectors:
    def test_unit_counts_and_the_ledger_at_a_cut_off(self, world, answered):
        late = services.problem_raise(
            policy=world.a.policy, title="迟办", by=world.users["reviewer"], source=Problem.Source.LEAD, at=EVE
        )
        services.problem_assign(problem=late, unit=world.a.county, by=world.users["reviewer"], at=EVE)
        services.problem_close(
            problem=answered, by=world.users["reviewer"], result="已办", at=dt.datetime(2025, 10, 10, 9, tzinfo=dt.UTC)
        )

        counts = selectors.unit_counts(world.a.policy, dt.date(2025, 10, 20))
        ledger = selectors.ledger(world.a.policy, dt.date(2025, 10, 20))
        before = selectors.ledger(world.a.policy, dt.date(2025, 10, 9))

        assert [(c.unit, c.collected, c.closed, c.overdue) for c in counts] == [(world.a.county.name, 2, 1, 1)]
        assert counts[0].closure_rate == 0.5
        assert [i.number for i in ledger.overdue_items] == [late.number]
        assert len(before.open_items) == 2 and before.overdue_items == []
        assert {i.state for i in before.open_items} == {"办理中"}  # the closed one was in hand then

    def test_missing_visits_name_the_official_and_the_month(self, world):
        leader = world.users["official"]
        firm = services.firm_add(
            policy=world.a.policy, name="某某钢铁有限公司", official=leader, by=world.users["reviewer"]
        )
        services.visit_record(
            firm=firm, official=leader, visit_date=dt.date(2025, 1, 15), findings="了解用工需求", by=leader
        )

        missing = selectors.missing_visits(world.a.policy, [(2025, 1), (2025, 2)])

        assert [(m.official_id, m.year, m.month) for m in missing] == [(leader.pk, 2025, 2)]

    def test_a_visit_raises_its_problems_into_the_ledger(self, world):
        leader = world.users["official"]
        firm = services.firm_add(policy=world.a.policy, name="某某化工有限公司", official=leader, by=leader)

        visit = services.visit_record(
            firm=firm,
            official=leader,
            visit_date=dt.date(2025, 3, 3),
            findings="走访",
            by=leader,
            problems=["融资难", "", "用电报装慢"],
        )

        assert sorted(visit.problems.values_list("title", flat=True)) == ["用电报装慢", "融资难"]
        assert set(visit.problems.values_list("firm_name", flat=True)) == {"某某化工有限公司"}


def test_a_reporter_sees_only_their_units_items(world, assigned):
    other = f.UserFactory(username="b-clerk")
    f.grant(other, "reporter", unit=world.b.county)

    assert list(Problem.objects.visible_to(scope_for(world.users["reporter"]))) == [assigned]
    assert not Problem.objects.visible_to(scope_for(other)).exists()


def test_the_beat_task_takes_an_iso_date_and_reminds_once(world, assigned, celery_eager):
    from supervision.tasks import overdue_remind as overdue_remind_task

    first = overdue_remind_task.delay("2025-10-20").get()
    second = overdue_remind_task.delay("2025-10-20").get()

    assert (first, second) == (1, 0)


class TestExtensionAsk:
    def test_the_unit_asks_the_reviewers_are_told_and_the_state_stays(self, world, assigned):
        services.problem_extension_ask(
            problem=assigned, by=world.users["reporter"], reason="等待省厅批复", due_date=dt.date(2025, 10, 31)
        )

        assert assigned.state == State.IN_PROGRESS and assigned.due_date == dt.date(2025, 10, 14)
        step = assigned.events.get(kind="ask_extend")
        assert step.due_date == dt.date(2025, 10, 31) and "等待省厅批复" in step.text
        assert Notification.objects.filter(user=world.users["reviewer"], title__startswith="延期申请").exists()

    def test_the_reviewers_extension_form_starts_from_the_asked_date(self, client, world, assigned):
        services.problem_extension_ask(
            problem=assigned, by=world.users["reporter"], reason="等待批复", due_date=dt.date(2025, 10, 31)
        )
        client.force_login(world.users["reviewer"])

        page = client.get(services.problem_url(assigned)).content.decode()

        assert 'name="extend-due_date" value="2025-10-31"' in page
