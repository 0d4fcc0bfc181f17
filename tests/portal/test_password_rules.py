"""Every password rule answers in Chinese (and still in English for English pages)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

PASSWORDS = ["abc", "password", "12345678901", "zhangsan01", "Kx9-short"[:5]]


def messages(password: str) -> list[str]:
    user = get_user_model()(username="zhangsan01", email="zhangsan01@example.gov.cn")
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


def is_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


@pytest.mark.parametrize("password", PASSWORDS)
def test_every_password_rule_message_is_chinese(password):
    with translation.override("zh-hans"):
        found = messages(password)

    assert found
    assert all(is_chinese(message) for message in found), found


def test_the_length_rule_names_the_minimum_in_chinese():
    with translation.override("zh-hans"):
        assert "密码长度太短。密码必须包含至少 8 个字符。" in messages("abc")
        assert all(is_chinese(text) for text in password_validators_help_texts())


def test_the_length_rule_is_still_english_on_english_pages():
    with translation.override("en"):
        assert "This password is too short. It must contain at least 8 characters." in messages("abc")


def test_the_password_change_form_shows_the_chinese_length_rule(client, db):
    from tests import factories as f

    user = f.UserFactory()
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": "pw-12345", "new_password1": "x7#", "new_password2": "x7#"},
    )

    assert response.status_code == 200
    assert "密码长度太短" in response.content.decode()
    assert "too short" not in response.content.decode()
