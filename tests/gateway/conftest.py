"""Fixtures shared by the gateway tests."""
import pytest

from tests.gateway.oidc_provider import FakeIdentityProvider


@pytest.fixture
def provider():
    """A stand-in OpenID Connect provider serving its discovery document and key set on 127.0.0.1."""
    provider = FakeIdentityProvider()
    yield provider
    provider.stop()
