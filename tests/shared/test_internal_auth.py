"""Services answer only callers holding the internal token; probes and campaigns' public links stay open."""
import httpx
import pytest

from shared.internal_auth import INTERNAL_TOKEN_HEADER


def _bare(app, name: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{name}")


@pytest.mark.parametrize("header", [None, "wrong-token-of-some-length"])
async def test_service_refuses_calls_without_the_internal_token(customers_app, loyalty_app, campaigns_app, header):
    headers = {INTERNAL_TOKEN_HEADER: header} if header else {}
    for app, path in [(customers_app, "/customers"), (loyalty_app, "/loyalty-programs"),
                      (campaigns_app, "/campaigns")]:
        async with _bare(app, "svc") as client:
            response = await client.get(path, headers=headers)
        assert response.status_code == 401, (path, response.text)
        assert response.json()["error"]["code"] == "UNAUTHENTICATED"


async def test_probes_and_public_links_need_no_token(customers_app, campaigns_app):
    async with _bare(customers_app, "customers") as client:
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.get("/metrics")).status_code == 200
    async with _bare(campaigns_app, "campaigns") as client:
        # A forged tracking token is refused by its signature check, not by the internal token.
        response = await client.get("/t/c/forged-token")
        assert response.status_code != 401, response.text


async def test_a_write_without_the_token_changes_nothing(api, customers_app):
    async with _bare(customers_app, "customers") as client:
        refused = await client.post("/customers", json={"email": "x@example.com", "firstName": "X", "lastName": "Y"})
    assert refused.status_code == 401
    listed = (await api.get("/customers")).json()
    assert all(c["email"] != "x@example.com" for c in listed["items"])
