"""Cross-city comparison by concept: a city's leader (or a policy's reviewer) sees every city
of the province on a shared concept, as the province leader does; another province stays
out, and another city's pages stay closed."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from policies.scope import scope_for
from tests import factories as f

NOW = dt.datetime(2025, 10, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def elsewhere(world):
    """A third city, in another province, measuring the same concept."""
    city = f.CityFactory(province="江苏省")
    policy = f.PolicyFactory(city=city)
    task = f.TaskFactory(policy=policy)
    indicator = f.IndicatorFactory(task=task, concept=world.a.indicator.concept)
    f.TargetFactory(indicator=indicator)
    f.AssignmentFactory(indicator=indicator, unit=f.UnitFactory(city=city))
    return policy


def concept_url(world):
    return reverse("reports:concept", args=[world.a.indicator.concept.code])


class TestComparisonScope:
    @pytest.mark.parametrize("role", ["official", "reviewer"])
    def test_an_overseer_compares_with_every_city_of_the_province(self, world, elsewhere, role):
        scope = scope_for(world.users[role])

        assert set(scope.comparison_policies()) == {world.a.policy, world.b.policy}

    def test_a_reporter_compares_only_what_they_may_read(self, world, elsewhere):
        scope = scope_for(world.users["reporter"])

        assert set(scope.comparison_policies()) == {world.a.policy}

    def test_the_province_leader_compares_every_city(self, world, elsewhere):
        leader = f.UserFactory()
        f.grant(leader, "official")

        assert set(scope_for(leader).comparison_policies()) == {world.a.policy, world.b.policy, elsewhere}


class TestConceptPages:
    def test_a_city_leader_sees_the_other_cities_of_the_province(self, client, world, elsewhere):
        client.force_login(world.users["official"])

        response = client.get(concept_url(world))

        assert {row["policy"] for row in response.context["rows"]} == {world.a.policy, world.b.policy}
        assert response.context["cities"] == 2

    def test_another_citys_row_does_not_link_to_its_closed_pages(self, client, world, elsewhere):
        client.force_login(world.users["official"])

        html = client.get(concept_url(world)).content.decode()

        assert reverse("reports:indicator", args=[world.a.indicator.code]) in html
        assert reverse("reports:indicator", args=[world.b.indicator.code]) not in html
        assert client.get(reverse("reports:indicator", args=[world.b.indicator.code])).status_code == 404

    def test_the_concept_list_counts_the_provinces_cities(self, client, world, elsewhere):
        client.force_login(world.users["official"])

        concepts = client.get(reverse("targets:concept_list")).context["concepts"]

        assert {c.code: c.city_count for c in concepts}[world.a.indicator.concept.code] == 2

    def test_the_concepts_targets_name_other_cities_documents_without_opening_them(self, client, world):
        client.force_login(world.users["official"])

        html = client.get(reverse("targets:concept_detail", args=[world.a.indicator.concept.code])).content.decode()

        assert world.b.policy.title[:10] in html
        assert reverse("policies:policy_detail", args=[world.b.policy.code]) not in html
        assert reverse("policies:policy_detail", args=[world.a.policy.code]) in html
