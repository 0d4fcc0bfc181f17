"""Sign-in throttling (django-axes) and the idle timeout of sessions."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from tests import factories as f

PASSWORD = "pw-12345"
T0 = dt.datetime(2025, 10, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def user(db):
    return f.UserFactory(username="zhangsan")


def post_login(client, password, username="zhangsan", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_is_refused_after_five_wrong_ones(client, user):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert post_login(client, "wrong").status_code == 200  # the form again, with its error
    assert post_login(client, "wrong").status_code == 429  # the fifth locks the pair out

    response = post_login(client, PASSWORD)

    assert response.status_code == 429
    assert not logged_in(client)
    page = response.content.decode()
    assert "登录失败次数过多，请15分钟后再试" in page
    assert "<nav" in page  # the site's own page (base.html), not a bare message


def test_fifty_wrong_passwords_do_not_lead_to_the_right_one_logging_in(client, user):
    for _ in range(50):
        post_login(client, "wrong")

    assert post_login(client, PASSWORD).status_code == 429
    assert not logged_in(client)


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, user):
    for _ in range(4):
        post_login(client, "wrong")

    response = post_login(client, PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_a_successful_login_starts_the_count_again(client, user):
    for _ in range(4):
        post_login(client, "wrong")
    assert post_login(client, PASSWORD).status_code == 302
    client.post(reverse("logout"))

    for _ in range(4):
        post_login(client, "wrong")

    assert post_login(client, PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cooloff(client, user):
    with time_machine.travel(T0, tick=False) as traveller:
        for _ in range(5):
            post_login(client, "wrong")
        assert post_login(client, PASSWORD).status_code == 429

        traveller.shift(dt.timedelta(minutes=14))
        assert post_login(client, PASSWORD).status_code == 429

        traveller.shift(dt.timedelta(minutes=16))  # a refused attempt restarts the cool-off
        assert post_login(client, PASSWORD).status_code == 302


def test_the_lockout_is_per_username_and_address(client, user):
    f.UserFactory(username="lisi")
    for _ in range(5):
        post_login(client, "wrong")

    assert post_login(client, PASSWORD, username="lisi").status_code == 302
    client.post(reverse("logout"))
    assert post_login(client, PASSWORD, REMOTE_ADDR="10.0.0.7").status_code == 302


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(client, user, settings):
    settings.PROXY_COUNT = 1
    for n in range(5):  # what the client put in X-Forwarded-For does not count
        post_login(client, "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.9")

    assert post_login(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert post_login(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 302


def test_force_login_and_client_login_are_not_throttled(client, user):
    for _ in range(6):
        post_login(client, "wrong")

    client.force_login(user)
    assert logged_in(client)
    client.logout()
    assert client.login(username="zhangsan", password=PASSWORD)
    assert not client.login(username="zhangsan", password="wrong")


def test_a_session_ends_after_the_idle_timeout_and_each_request_renews_it(client, user):
    idle = settings.SESSION_COOKIE_AGE
    assert idle == 8 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    page = reverse("password_change")
    with time_machine.travel(T0, tick=False) as traveller:
        client.force_login(user)

        traveller.shift(dt.timedelta(seconds=idle - 60))
        response = client.get(page)
        assert response.status_code == 200
        assert int(response.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) == idle
        assert client.session.get_expiry_date() == T0 + dt.timedelta(seconds=2 * idle - 60)

        traveller.shift(dt.timedelta(seconds=idle - 60))  # active all along: still signed in
        assert client.get(page).status_code == 200

        traveller.shift(dt.timedelta(seconds=idle + 1))  # idle for longer than the timeout
        response = client.get(page)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
