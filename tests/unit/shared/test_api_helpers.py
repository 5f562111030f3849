"""shared.api: the id list every batch read parses, the page window's bounds, the strict input base."""
import httpx
import pytest
from fastapi import FastAPI
from pydantic import Field, ValidationError

from shared.api import MAX_IDS, MAX_OFFSET, CustomerIds, InputModel, Limit, Offset, Page, PublicModel, parse_id_list
from shared.errors import ValidationFailed
from shared.web import install_error_handlers


def test_ids_are_stripped_and_empty_ones_dropped_and_duplicates_kept_once_in_first_order():
    assert parse_id_list(" b , a,,b, c ,a,", "customerIds") == ["b", "a", "c"]
    assert parse_id_list(" , ,", "customerIds") == []


def test_at_most_a_hundred_distinct_ids_counting_each_once():
    assert len(parse_id_list(",".join(f"c{n % MAX_IDS}" for n in range(3 * MAX_IDS)), "customerIds")) == MAX_IDS
    with pytest.raises(ValidationFailed) as too_many:
        parse_id_list(",".join(f"c{n}" for n in range(MAX_IDS + 1)), "customerIds")
    assert too_many.value.field == "customerIds"
    assert too_many.value.message == "customerIds: at most 100 ids per request, got 101"


def test_an_over_long_id_is_refused():
    assert parse_id_list("x" * 128, "ids") == ["x" * 128]
    with pytest.raises(ValidationFailed) as too_long:
        parse_id_list("a," + "x" * 129, "ids")
    assert too_long.value.field == "ids" and "at most 128 characters" in too_long.value.message
    # a hundred ids of the longest, with a space after each comma, still fit the length checked before splitting
    assert len(parse_id_list(", ".join(f"{n:03}" + "x" * 125 for n in range(MAX_IDS)), "ids")) == MAX_IDS
    with pytest.raises(ValidationFailed, match="at most 100 ids of at most 128 characters"):
        parse_id_list("," * 1_000_000, "ids")


@pytest.fixture
async def client():
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/batch")
    async def batch(customer_ids: CustomerIds, limit: Limit = 20, offset: Offset = 0) -> dict:
        return {"ids": customer_ids, "limit": limit, "offset": offset}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http


async def test_the_parameters_reach_the_route_parsed(client):
    response = await client.get("/batch", params={"customerIds": "a, b,a", "limit": 100, "offset": MAX_OFFSET})
    assert response.json() == {"ids": ["a", "b"], "limit": 100, "offset": MAX_OFFSET}


@pytest.mark.parametrize("params, field", [
    ({"customerIds": ",".join(f"c{n}" for n in range(101))}, "customerIds"),
    ({}, "customerIds"),
    ({"customerIds": "a", "limit": 0}, "limit"),
    ({"customerIds": "a", "limit": 101}, "limit"),
    ({"customerIds": "a", "offset": -1}, "offset"),
    ({"customerIds": "a", "offset": MAX_OFFSET + 1}, "offset"),  # past 8 bytes Mongo would refuse the skip: a 500
])
async def test_out_of_bounds_parameters_are_a_422_naming_the_field(client, params, field):
    response = await client.get("/batch", params=params)
    assert response.status_code == 422
    assert (response.json()["error"]["code"], response.json()["error"]["field"]) == ("VALIDATION", field)


class _Body(InputModel):
    first_name: str = Field(alias="firstName", max_length=5)


def test_input_models_take_either_name_trim_strings_and_refuse_unknown_fields():
    assert _Body.model_validate({"firstName": "  Ada "}).first_name == "Ada"
    assert _Body.model_validate({"first_name": "Ada"}).first_name == "Ada"
    with pytest.raises(ValidationError, match="extra"):
        _Body.model_validate({"firstName": "Ada", "admin": True})


class _Shown(PublicModel):
    first_name: str = Field(alias="firstName")


def test_a_page_shows_its_items_by_alias_whichever_name_built_them():
    page = Page[_Shown](items=[_Shown(first_name="Ada"), _Shown(firstName="Bo")], total=7, limit=2, offset=3)
    assert page.model_dump() == {"items": [{"firstName": "Ada"}, {"firstName": "Bo"}], "total": 7, "limit": 2,
                                 "offset": 3}
