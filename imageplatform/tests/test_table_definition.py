"""The PynamoDB models and imageplatform/dynamodb.json (which Terraform reads) agree."""

import pytest
from pynamodb.attributes import TTLAttribute

from gallery.models import ImageItem
from imageplatform.dynamo import table_definitions
from moderation.items import AuditItem, InvalidationItem, ReportItem
from shortlinks.models import ShortLinkItem

MODELS = {
    "images": ImageItem,
    "shortlinks": ShortLinkItem,
    "moderation_audit": AuditItem,
    "moderation_reports": ReportItem,
    "invalidations": InvalidationItem,
}


def _keys(key_schema) -> dict:
    return {k["KeyType"]: k["AttributeName"] for k in key_schema}


def model_definition(model) -> dict:
    """The model's keys, attributes, indexes and TTL in the shape of dynamodb.json."""
    schema = model._get_schema()
    keys = _keys(schema["key_schema"])
    indexes = [
        {
            "name": index["index_name"],
            "hash_key": _keys(index["key_schema"])["HASH"],
            "range_key": _keys(index["key_schema"]).get("RANGE"),
            "projection": index["projection"]["ProjectionType"],
        }
        for index in schema["global_secondary_indexes"]
    ]
    ttl = next(
        (name for name, attr in model.get_attributes().items() if isinstance(attr, TTLAttribute)), None
    )
    return {
        "hash_key": keys["HASH"],
        "range_key": keys.get("RANGE"),
        "attributes": {a["AttributeName"]: a["AttributeType"] for a in schema["attribute_definitions"]},
        "global_secondary_indexes": sorted(indexes, key=lambda i: i["name"]),
        "ttl_attribute": ttl,
    }


@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_matches_the_shared_table_definition(name):
    expected = table_definitions()["tables"][name]
    actual = model_definition(MODELS[name])
    assert actual["hash_key"] == expected["hash_key"]
    assert actual["range_key"] == expected["range_key"]
    assert actual["attributes"] == expected["attributes"]
    assert actual["global_secondary_indexes"] == sorted(
        expected["global_secondary_indexes"], key=lambda i: i["name"]
    )
    assert actual["ttl_attribute"] == expected["ttl_attribute"]


def test_every_table_in_the_definition_has_a_model():
    assert set(table_definitions()["tables"]) == set(MODELS)


def test_models_read_their_table_names_from_settings(settings):
    settings.GALLERY_TABLE = "elsewhere-images"
    assert ImageItem.Meta.table_name == "elsewhere-images"
    assert table_definitions()["tables"]["images"]["setting"] == "GALLERY_TABLE"
    assert table_definitions()["tables"]["shortlinks"]["setting"] == "SHORTLINKS_TABLE"
