"""Personal API tokens: made and revoked by their owner on the account page, kept only as a
SHA-256, shown once, their last use recorded; rate-limited per token."""

import datetime as dt
import hashlib

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import token_create, token_for_key, token_revoke
from targets.models import AuditEntry


def bearer(key, keyword="Bearer"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
    return client


class TestTheTokenPage:
    def test_shows_a_new_key_once_and_keeps_only_its_hash(self, client, world):
        client.force_login(world.users["reporter"])

        created = client.post(reverse("tokens:list"), {"name": "统计局推送"})
        again = client.get(reverse("tokens:list"))

        token = ApiToken.objects.get(user=world.users["reporter"])
        key = created.context["new_key"]
        assert key in created.content.decode()
        assert key not in again.content.decode()
        assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
        assert key not in str(list(ApiToken.objects.values()))
        assert "统计局推送" in again.content.decode() and token.prefix in again.content.decode()

    def test_lists_only_the_users_own_tokens(self, client, world):
        token_create(user=world.users["reviewer"], name="审核系统")
        client.force_login(world.users["reporter"])

        page = client.get(reverse("tokens:list"))

        assert "审核系统" not in page.content.decode()

    def test_revokes_a_token_at_once(self, client, world):
        token, key = token_create(user=world.users["reporter"], name="旧系统")
        client.force_login(world.users["reporter"])

        client.post(reverse("tokens:revoke", args=[token.pk]))
        response = bearer(key).get(reverse("api:policy_list"))

        assert response.status_code == 401
        assert response.json()["detail"] == "令牌无效或已撤销。"
        token.refresh_from_db()
        assert token.revoked_at is not None

    def test_cannot_revoke_another_users_token(self, client, world):
        token, key = token_create(user=world.users["reviewer"])
        client.force_login(world.users["reporter"])

        response = client.post(reverse("tokens:revoke", args=[token.pk]))

        assert response.status_code == 404
        assert bearer(key).get(reverse("api:policy_list")).status_code == 200

    def test_is_in_the_account_menu(self, client, world):
        client.force_login(world.users["official"])

        page = client.get(reverse("home"))

        assert reverse("tokens:list") in page.content.decode()


class TestAuthentication:
    @pytest.mark.parametrize("keyword", ["Bearer", "Token", "bearer"])
    def test_accepts_the_bearer_and_token_keywords(self, world, keyword):
        _token, key = token_create(user=world.users["reporter"])

        response = bearer(key, keyword).get(reverse("api:policy_list"))

        assert response.status_code == 200
        assert [p["code"] for p in response.json()["results"]] == [world.a.policy.code]

    def test_refuses_a_wrong_key_in_chinese(self, world):
        response = bearer("ptk_wrong").get(reverse("api:policy_list"))

        assert response.status_code == 401
        assert response.json() == {"detail": "令牌无效或已撤销。"}
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'

    def test_refuses_the_token_of_a_deactivated_user(self, world):
        _token, key = token_create(user=world.users["reporter"])
        world.users["reporter"].is_active = False
        world.users["reporter"].save()

        assert bearer(key).get(reverse("api:policy_list")).status_code == 401

    def test_records_the_last_use_at_most_once_a_minute(self, world):
        token, key = token_create(user=world.users["reporter"])
        start = dt.datetime(2025, 10, 3, 9, 0, tzinfo=dt.UTC)

        token_for_key(key, now=start)
        token_for_key(key, now=start + dt.timedelta(seconds=30))
        token.refresh_from_db()
        first = token.last_used_at
        token_for_key(key, now=start + dt.timedelta(minutes=2))
        token.refresh_from_db()

        assert first == start
        assert token.last_used_at == start + dt.timedelta(minutes=2)

    def test_making_and_revoking_a_token_is_audited(self, world):
        user = world.users["reporter"]
        token, _key = token_create(user=user, name="推送")

        token_revoke(token=token, by=user)
        token_revoke(token=token, by=user)

        actions = list(AuditEntry.objects.filter(object_id=str(token.pk)).values_list("action", "created_by"))
        assert sorted(actions) == sorted([("创建API令牌", user.pk), ("撤销API令牌", user.pk)])


class TestRateLimits:
    @pytest.fixture
    def low_rates(self, monkeypatch):
        from api.throttling import ApiRateThrottle

        monkeypatch.setattr(
            ApiRateThrottle, "THROTTLE_RATES", {"api_read": "3/min", "api_write": "1/min", "api_anon": "2/min"}
        )
        cache.clear()
        yield
        cache.clear()

    def test_count_each_token_apart(self, world, low_rates):
        first = bearer(token_create(user=world.users["reporter"])[1])
        second = bearer(token_create(user=world.users["reporter"])[1])
        url = reverse("api:policy_list")

        statuses = [first.get(url).status_code for _ in range(4)]
        other = second.get(url)

        assert statuses == [200, 200, 200, 429]
        assert other.status_code == 200

    def test_refuse_in_chinese_and_say_when_to_retry(self, world, low_rates):
        client = bearer(token_create(user=world.users["reporter"])[1])
        url = reverse(
            "api:month_entry", kwargs={"policy": world.a.policy.code, "unit": world.a.county.code, "month": "2025-09"}
        )

        client.put(url, {"version": 0, "values": {}}, format="json")
        refused = client.put(url, {"version": 0, "values": {}}, format="json")

        assert refused.status_code == 429
        assert refused.json()["detail"].startswith("请求已被限流。")
        assert int(refused["Retry-After"]) > 0
