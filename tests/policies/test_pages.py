"""The policy browser reads like the document and costs a bounded number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f


def _grow(side, tasks: int):
    for _ in range(tasks):
        task = f.TaskFactory(policy=side.policy, section=side.task.section)
        f.ResponsibilityFactory(task=task, unit=side.bureau)
        indicator = f.IndicatorFactory(task=task)
        f.TargetFactory(indicator=indicator)
        f.TargetFactory(indicator=indicator, value=50, year=2023)


class TestPolicyDetail:
    def test_shows_tasks_units_and_targets_linked_to_their_sentence(self, client, world):
        client.force_login(world.users["reviewer"])
        target = world.a.indicator.targets.get()

        html = client.get(reverse("policies:policy_detail", args=[world.a.policy.code])).content.decode()

        assert world.a.task.title in html
        assert "牵头 · " + world.a.bureau.name in html
        assert "各县（市、区）落实" in html
        assert f"#q-{target.pk}" in html

    def test_the_source_page_highlights_each_quote_with_its_anchor(self, client, world):
        client.force_login(world.users["reviewer"])
        target = world.a.indicator.targets.get()

        html = client.get(reverse("policies:policy_source", args=[world.a.policy.code])).content.decode()

        assert f'<mark id="q-{target.pk}"' in html
        assert ">高新技术企业达到100家</mark>" in html

    def test_costs_the_same_queries_with_ten_times_the_tasks(self, client, world, django_assert_max_num_queries):
        client.force_login(world.users["reviewer"])
        url = reverse("policies:policy_detail", args=[world.a.policy.code])
        _grow(world.a, 3)
        client.get(url)
        with CaptureQueriesContext(connection) as small:
            client.get(url)

        _grow(world.a, 30)

        with django_assert_max_num_queries(len(small)):
            client.get(url)


@pytest.mark.parametrize("name", ["policies:policy_list", "policies:unit_list", "targets:concept_list"])
def test_list_pages_cost_the_same_queries_at_two_sizes(client, world, django_assert_max_num_queries, name):
    client.force_login(world.users["admin"])
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse(name))
    for i in range(20):
        side_policy = f.PolicyFactory(city=world.a.city)
        f.UnitFactory(city=world.a.city)
        f.IndicatorFactory(
            task=f.TaskFactory(policy=side_policy), concept=f.ConceptFactory(code=f"c{i}", name=f"概念{i}")
        )

    with django_assert_max_num_queries(len(small)):
        client.get(reverse(name))


def test_the_unit_page_lists_what_it_leads_and_implements(client, world):
    client.force_login(world.users["official"])

    html = client.get(reverse("policies:unit_detail", args=[world.a.county.code])).content.decode()

    assert world.a.task.title in html
    assert "落实" in html


def test_policy_list_exports_csv(client, world):
    client.force_login(world.users["admin"])

    response = client.get(reverse("policies:policy_list") + "?_export=csv")

    body = response.getvalue().decode("utf-8-sig") if hasattr(response, "getvalue") else response.content.decode()
    assert response.status_code == 200
    assert world.a.policy.title in body and world.b.policy.title in body


@pytest.mark.parametrize("name", ["policies:policy_list", "policies:unit_list"])
def test_the_city_filter_names_only_the_users_own_cities(client, world, name):
    # Found by `make drills`: every city of the platform was listed in the filter's choices.
    client.force_login(world.users["reporter"])

    html = client.get(reverse(name)).content.decode()

    assert world.a.city.name in html
    assert world.b.city.name not in html
    client.force_login(world.users["admin"])
    assert world.b.city.name in client.get(reverse(name)).content.decode()
