"""API clients for every role of the permission matrix, each with its own personal token."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.services import token_create
from policies.models import Membership
from tests import factories as f

ROLES = ["anonymous", "reporter", "other_reporter", "reviewer", "other_reviewer", "official", "admin"]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate counts live in the cache, keyed by token id; ids come back after a rollback."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_world(world):
    """The shared world plus the reviewer of city B's policy."""
    other = f.UserFactory(username="other_reviewer")
    f.grant(other, Membership.Role.REVIEWER, policy=world.b.policy)
    world.users["other_reviewer"] = other
    return world


@pytest.fixture
def api_client(api_world):
    """api_client(role) → a client sending that role's token (none for the anonymous)."""
    made = {}

    def client_for(role: str) -> APIClient:
        if role not in made:
            client = APIClient()
            if role != "anonymous":
                _token, key = token_create(user=api_world.users[role], name=f"{role} 的令牌")
                client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
            made[role] = client
        return made[role]

    return client_for
