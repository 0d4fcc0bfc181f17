"""The administrator's pages: roles granted with each unit's city shown, a policy's calendar
changed; bad input keeps what was typed and says why."""

from django.urls import reverse

from policies.models import Membership
from tests import factories as f


class TestMembershipPage:
    def test_tells_two_units_of_the_same_name_apart_by_their_city(self, client, world):
        f.UnitFactory(city=world.b.city, name=world.a.bureau.name)
        client.force_login(world.users["admin"])

        html = client.get(reverse("membership_list")).content.decode()

        assert f"{world.a.city.name} · {world.a.bureau.name}" in html
        assert f"{world.b.city.name} · {world.a.bureau.name}" in html

    def test_grants_a_role_and_lists_it(self, client, world):
        user = f.UserFactory(username="new-clerk")
        client.force_login(world.users["admin"])

        response = client.post(
            reverse("membership_list"),
            {"action": "grant", "user": user.pk, "role": "reporter", "unit": world.b.county.pk},
        )

        assert response.status_code == 302
        assert Membership.objects.get(user=user).unit == world.b.county
        assert "new-clerk" in client.get(reverse("membership_list") + "?q=new-clerk").content.decode()

    def test_a_reporter_without_a_unit_is_refused_and_the_form_keeps_the_choice(self, client, world):
        user = f.UserFactory()
        client.force_login(world.users["admin"])

        response = client.post(reverse("membership_list"), {"action": "grant", "user": user.pk, "role": "reporter"})

        assert response.status_code == 400
        html = response.content.decode()
        assert "填报员须指定单位" in html
        assert f'<option value="{user.pk}" selected>' in html
        assert not Membership.objects.filter(user=user).exists()


class TestPolicyCalendarPage:
    def test_lists_every_policy_with_its_city(self, client, world):
        client.force_login(world.users["admin"])

        html = client.get(reverse("policy_calendar_list")).content.decode()

        assert world.a.city.name in html and world.b.city.name in html

    def test_saves_a_new_calendar_and_shows_the_change(self, client, world):
        client.force_login(world.users["admin"])
        url = reverse("policy_calendar", args=[world.a.policy.code])

        response = client.post(url, {"due_day": "7", "lock_day": "18", "tolerance": "5", "reporting_active": "on"})

        assert response.status_code == 302
        world.a.policy.refresh_from_db()
        assert (world.a.policy.due_day, world.a.policy.lock_day) == (7, 18)
        assert "18" in client.get(url).content.decode()

    def test_a_lock_day_before_the_due_day_is_refused_keeping_the_input(self, client, world):
        client.force_login(world.users["admin"])

        response = client.post(
            reverse("policy_calendar", args=[world.a.policy.code]),
            {"due_day": "12", "lock_day": "9", "tolerance": "5", "reporting_active": "on"},
        )

        assert response.status_code == 400
        html = response.content.decode()
        assert "锁定日不能早于报送截止日" in html
        assert 'value="12"' in html and 'value="9"' in html
        world.a.policy.refresh_from_db()
        assert world.a.policy.due_day == 5
