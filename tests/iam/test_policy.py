"""The evaluator: effects, wildcards, NotAction/NotResource, conditions."""

import pytest

from tests.iam.policy import PolicySet, Request, UnsupportedPolicy, condition_matches, evaluate

BUCKET = "arn:aws:s3:::media"
TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/images"


def doc(*statements):
    return [{"Version": "2012-10-17", "Statement": list(statements)}]


def allow(action, resource, **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def test_nothing_matching_is_an_implicit_deny():
    d = evaluate(doc(allow("s3:GetObject", f"{BUCKET}/*")), Request("s3:PutObject", f"{BUCKET}/a"))
    assert not d.allowed and d.reason == "implicit deny"


def test_action_wildcards_and_case():
    docs = doc(allow("s3:Get*", f"{BUCKET}/*"))
    assert evaluate(docs, Request("s3:GetObject", f"{BUCKET}/a")).allowed
    assert evaluate(docs, Request("S3:getobjecttagging", f"{BUCKET}/a")).allowed
    assert not evaluate(docs, Request("s3:PutObject", f"{BUCKET}/a")).allowed
    assert evaluate(doc(allow("*", "*")), Request("dynamodb:Scan", TABLE)).allowed
    assert evaluate(doc(allow("s3:?etObject", f"{BUCKET}/*")), Request("s3:GetObject", f"{BUCKET}/x")).allowed


def test_resource_wildcards_cross_slashes_and_are_case_sensitive():
    docs = doc(allow("s3:GetObject", f"{BUCKET}/originals/*"))
    assert evaluate(docs, Request("s3:GetObject", f"{BUCKET}/originals/id/original.jpg")).allowed
    assert not evaluate(docs, Request("s3:GetObject", f"{BUCKET}/Originals/id")).allowed
    assert not evaluate(docs, Request("s3:GetObject", f"{BUCKET}/renditions/id")).allowed
    # The bucket itself is not an object under it.
    assert not evaluate(docs, Request("s3:GetObject", BUCKET)).allowed


def test_index_resources_need_their_own_grant():
    table_only = doc(allow("dynamodb:Query", TABLE))
    assert evaluate(table_only, Request("dynamodb:Query", TABLE)).allowed
    assert not evaluate(table_only, Request("dynamodb:Query", f"{TABLE}/index/owner-created-index")).allowed
    with_indexes = doc(allow("dynamodb:Query", [TABLE, f"{TABLE}/index/*"]))
    assert evaluate(with_indexes, Request("dynamodb:Query", f"{TABLE}/index/owner-created-index")).allowed
    # "table/images*" would also match "table/images-old": a prefix is not a table.
    assert not evaluate(with_indexes, Request("dynamodb:Query", f"{TABLE}-old")).allowed


def test_explicit_deny_overrides_allow():
    docs = doc(
        allow("s3:*", f"{BUCKET}/*"),
        {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": f"{BUCKET}/originals/*"},
    )
    assert evaluate(docs, Request("s3:DeleteObject", f"{BUCKET}/renditions/a")).allowed
    d = evaluate(docs, Request("s3:DeleteObject", f"{BUCKET}/originals/a"))
    assert not d.allowed and d.reason == "explicit deny"


def test_not_action_and_not_resource():
    docs = doc({"Effect": "Allow", "NotAction": ["s3:Delete*"], "Resource": f"{BUCKET}/*"})
    assert evaluate(docs, Request("s3:PutObject", f"{BUCKET}/a")).allowed
    assert not evaluate(docs, Request("s3:DeleteObject", f"{BUCKET}/a")).allowed
    deny_outside = doc(
        allow("s3:GetObject", "*"),
        {"Effect": "Deny", "Action": "s3:*", "NotResource": [f"{BUCKET}/*"]},
    )
    assert evaluate(deny_outside, Request("s3:GetObject", f"{BUCKET}/a")).allowed
    assert not evaluate(deny_outside, Request("s3:GetObject", "arn:aws:s3:::other/a")).allowed


LIST = allow(
    "s3:ListBucket",
    BUCKET,
    Condition={"StringLike": {"s3:prefix": ["originals/*", "renditions/*"]}},
)


def test_string_like_on_the_prefix():
    docs = doc(LIST)
    assert evaluate(docs, Request("s3:ListBucket", BUCKET, {"s3:prefix": "originals/abc/"})).allowed
    assert not evaluate(docs, Request("s3:ListBucket", BUCKET, {"s3:prefix": "uploads/"})).allowed
    assert not evaluate(docs, Request("s3:ListBucket", BUCKET, {"s3:prefix": ""})).allowed
    # HeadBucket is s3:ListBucket without any prefix: the condition key is missing.
    d = evaluate(docs, Request("s3:ListBucket", BUCKET, {}))
    assert not d.allowed and d.reason == "implicit deny"


def test_condition_keys_and_operators_are_anded_values_ored():
    cond = {
        "StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]},
        "Bool": {"aws:SecureTransport": "true"},
    }
    assert condition_matches(cond, {"aws:RequestedRegion": "eu-west-1", "aws:SecureTransport": "true"})
    assert not condition_matches(cond, {"aws:RequestedRegion": "eu-west-1", "aws:SecureTransport": "false"})
    assert not condition_matches(cond, {"aws:RequestedRegion": "us-west-2", "aws:SecureTransport": "true"})
    # Keys are case-insensitive; Bool accepts a real boolean in the context.
    assert condition_matches({"Bool": {"aws:securetransport": "true"}}, {"aws:SecureTransport": True})


def test_string_equals_is_exact_and_string_like_is_not():
    assert condition_matches({"StringEquals": {"k": "a*"}}, {"k": "a*"})
    assert not condition_matches({"StringEquals": {"k": "a*"}}, {"k": "abc"})
    assert condition_matches({"StringLike": {"k": "a*"}}, {"k": "abc"})


def test_negated_operators_and_if_exists():
    assert condition_matches({"StringNotEquals": {"k": ["a", "b"]}}, {"k": "c"})
    assert not condition_matches({"StringNotEquals": {"k": ["a", "b"]}}, {"k": "b"})
    assert condition_matches({"StringNotEquals": {"k": "a"}}, {})  # a missing key differs from "a"
    assert not condition_matches({"StringEquals": {"k": "a"}}, {})
    assert condition_matches({"StringEqualsIfExists": {"k": "a"}}, {})
    assert not condition_matches({"StringEqualsIfExists": {"k": "a"}}, {"k": "b"})
    assert condition_matches({"Null": {"k": "true"}}, {})
    assert not condition_matches({"Null": {"k": "false"}}, {})


def test_arn_like():
    cond = {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::imageplatform-*-media"}}
    assert condition_matches(cond, {"aws:SourceArn": "arn:aws:s3:::imageplatform-staging-media"})
    assert not condition_matches(cond, {"aws:SourceArn": "arn:aws:s3:::other"})
    assert not condition_matches(cond, {"aws:SourceArn": "not-an-arn"})
    # Each part on its own: a "*" in the account does not swallow the resource.
    cond = {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:123456789012:alarms"}}
    assert condition_matches(cond, {"aws:SourceArn": "arn:aws:sns:eu-west-1:123456789012:alarms"})
    assert not condition_matches(cond, {"aws:SourceArn": "arn:aws:sns:eu-west-1:123456789012:other"})


def test_for_any_value_and_for_all_values():
    any_ = {"ForAnyValue:StringLike": {"dynamodb:LeadingKeys": ["user-*"]}}
    all_ = {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["user-*"]}}
    mixed = {"dynamodb:LeadingKeys": ["user-1", "admin"]}
    users = {"dynamodb:LeadingKeys": ["user-1", "user-2"]}
    assert condition_matches(any_, mixed) and condition_matches(any_, users)
    assert not condition_matches(all_, mixed) and condition_matches(all_, users)
    # No values at all: ForAllValues is (vacuously) true, ForAnyValue false.
    assert condition_matches(all_, {}) and not condition_matches(any_, {})


def test_numeric():
    assert condition_matches({"NumericLessThanEquals": {"s3:max-keys": "100"}}, {"s3:max-keys": 10})
    assert not condition_matches({"NumericLessThanEquals": {"s3:max-keys": "100"}}, {"s3:max-keys": 1000})


@pytest.mark.parametrize(
    "policy",
    [
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        },
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"ForSomeValues:StringLike": {"k": "a"}},
        },
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Principal": "*"},
        {"Effect": "Maybe", "Action": "s3:GetObject", "Resource": "*"},
    ],
)
def test_what_it_cannot_judge_fails_loudly(policy):
    with pytest.raises(UnsupportedPolicy):
        PolicySet(doc(policy)).evaluate(Request("s3:GetObject", "arn:aws:s3:::b/u/a", {"k": "a"}))


def test_unused_grants_per_statement():
    ps = PolicySet(
        doc(
            {
                **allow(
                    ["s3:GetObject", "s3:PutObject"], [f"{BUCKET}/originals/*", f"{BUCKET}/quarantine/*"]
                ),
                "Sid": "Media",
            },
            {**allow("logs:PutLogEvents", "*"), "Sid": "Logs"},
            {**allow("dynamodb:Query", TABLE), "Sid": "Tables"},
        )
    )
    assert ps.evaluate(Request("s3:GetObject", f"{BUCKET}/originals/a")).allowed
    assert ps.evaluate(Request("dynamodb:Query", TABLE)).allowed
    assert ps.unused(ignore_actions=["logs:*"]) == [
        {"sid": "Media", "actions": ["s3:PutObject"], "resources": [f"{BUCKET}/quarantine/*"]}
    ]
