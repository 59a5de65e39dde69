"""From API operations to the IAM actions, resources and condition keys they need."""

import pytest

from tests.iam.actions import PRESIGNED_POST, Arns, UnmappedOperation, requests_for, summarize

ARNS = Arns(
    region="eu-west-1",
    account="123456789012",
    rename=lambda n: {"local-bucket": "media", "local-images": "images"}.get(n, n),
)
B = "arn:aws:s3:::media"
T = "arn:aws:dynamodb:eu-west-1:123456789012:table/images"


def need(service, op, **params):
    return requests_for(service, op, summarize(service, op, params), ARNS)


@pytest.mark.parametrize(
    "op, action",
    [
        ("PutObject", "s3:PutObject"),
        ("GetObject", "s3:GetObject"),
        ("HeadObject", "s3:GetObject"),
        ("DeleteObject", "s3:DeleteObject"),
        ("CreateMultipartUpload", "s3:PutObject"),
        ("UploadPart", "s3:PutObject"),
        ("CompleteMultipartUpload", "s3:PutObject"),
        ("AbortMultipartUpload", "s3:AbortMultipartUpload"),
        ("GetObjectTagging", "s3:GetObjectTagging"),
        (PRESIGNED_POST, "s3:PutObject"),
    ],
)
def test_s3_object_operations(op, action):
    assert need("s3", op, Bucket="local-bucket", Key="originals/x/original.jpg") == [
        (action, f"{B}/originals/x/original.jpg", {})
    ]


def test_versioned_reads_and_deletes_need_the_version_actions():
    assert (
        need("s3", "GetObject", Bucket="local-bucket", Key="k", VersionId="v1")[0][0] == "s3:GetObjectVersion"
    )
    assert (
        need("s3", "DeleteObject", Bucket="local-bucket", Key="k", VersionId="v1")[0][0]
        == "s3:DeleteObjectVersion"
    )


def test_list_objects_is_list_bucket_on_the_bucket_with_the_prefix():
    assert need("s3", "ListObjectsV2", Bucket="local-bucket", Prefix="originals/x/") == [
        ("s3:ListBucket", B, {"s3:prefix": "originals/x/"})
    ]
    # No Prefix: the key is present and empty (listing the whole bucket).
    assert need("s3", "ListObjectsV2", Bucket="local-bucket", Delimiter="/") == [
        ("s3:ListBucket", B, {"s3:prefix": "", "s3:delimiter": "/"})
    ]


def test_head_bucket_is_list_bucket_without_a_prefix():
    assert need("s3", "HeadBucket", Bucket="local-bucket") == [("s3:ListBucket", B, {})]


def test_delete_objects_is_delete_object_per_key():
    got = need(
        "s3",
        "DeleteObjects",
        Bucket="local-bucket",
        Delete={
            "Objects": [{"Key": "originals/a"}, {"Key": "renditions/b", "VersionId": "v"}],
            "Quiet": True,
        },
    )
    assert got == [
        ("s3:DeleteObject", f"{B}/originals/a", {}),
        ("s3:DeleteObjectVersion", f"{B}/renditions/b", {}),
    ]


@pytest.mark.parametrize(
    "source",
    [
        "local-bucket/uploads/a%20b.jpg",
        "/local-bucket/uploads/a%20b.jpg",
        {"Bucket": "local-bucket", "Key": "uploads/a b.jpg"},
    ],
)
def test_copy_object_reads_the_source_and_writes_the_destination(source):
    assert need("s3", "CopyObject", Bucket="local-bucket", Key="originals/a.jpg", CopySource=source) == [
        ("s3:GetObject", f"{B}/uploads/a b.jpg", {}),
        ("s3:PutObject", f"{B}/originals/a.jpg", {}),
    ]


def test_put_with_tags_and_acl_needs_those_actions_too():
    got = need(
        "s3", "PutObject", Bucket="local-bucket", Key="k", Tagging="a=b", ACL="private", Body=b"x" * 10
    )
    assert [a for a, _, _ in got] == ["s3:PutObject", "s3:PutObjectTagging", "s3:PutObjectAcl"]
    assert got[0][2] == {"s3:x-amz-acl": "private"}


def test_the_summary_keeps_no_bodies_or_item_values():
    s = summarize("s3", "PutObject", {"Bucket": "b", "Key": "k", "Body": b"secret", "Metadata": {"a": "b"}})
    assert s == {"Bucket": "b", "Key": "k"}
    s = summarize(
        "dynamodb", "PutItem", {"TableName": "t", "Item": {"id": {"S": "1"}, "title": {"S": "private"}}}
    )
    assert s == {"TableName": "t", "ItemAttributes": ["id", "title"]}


def test_dynamodb_item_operations_on_the_table_with_leading_keys():
    assert need("dynamodb", "GetItem", TableName="local-images", Key={"id": {"S": "img1"}}) == [
        ("dynamodb:GetItem", T, {"dynamodb:LeadingKeys": ["img1"]})
    ]
    assert need("dynamodb", "PutItem", TableName="local-images", Item={"id": {"S": "x"}}) == [
        ("dynamodb:PutItem", T, {})
    ]
    assert need("dynamodb", "DescribeTable", TableName="local-images") == [("dynamodb:DescribeTable", T, {})]


def test_query_on_an_index_is_on_the_index_resource():
    got = need(
        "dynamodb",
        "Query",
        TableName="local-images",
        IndexName="owner-created-index",
        KeyConditionExpression="#0 = :0",
        ExpressionAttributeNames={"#0": "owner"},
        ExpressionAttributeValues={":0": {"S": "alice"}},
    )
    assert got == [("dynamodb:Query", f"{T}/index/owner-created-index", {})]
    got = need(
        "dynamodb",
        "Query",
        TableName="local-images",
        KeyConditionExpression="#0 = :0",
        ExpressionAttributeNames={"#0": "id"},
        ExpressionAttributeValues={":0": {"S": "img1"}},
    )
    assert got == [("dynamodb:Query", T, {"dynamodb:LeadingKeys": ["img1"]})]


def test_transact_write_items_is_per_item():
    got = need(
        "dynamodb",
        "TransactWriteItems",
        TransactItems=[
            {"Put": {"TableName": "local-images", "Item": {"id": {"S": "1"}}}},
            {
                "Update": {
                    "TableName": "links",
                    "Key": {"code": {"S": "abc"}},
                    "UpdateExpression": "SET a = :a",
                }
            },
            {
                "ConditionCheck": {
                    "TableName": "local-images",
                    "Key": {"id": {"S": "2"}},
                    "ConditionExpression": "x",
                }
            },
            {"Delete": {"TableName": "links", "Key": {"code": {"S": "def"}}}},
        ],
    )
    links = "arn:aws:dynamodb:eu-west-1:123456789012:table/links"
    assert [(a, r) for a, r, _ in got] == [
        ("dynamodb:PutItem", T),
        ("dynamodb:UpdateItem", links),
        ("dynamodb:ConditionCheckItem", T),
        ("dynamodb:DeleteItem", links),
    ]


def test_batch_operations_are_per_table():
    got = need("dynamodb", "BatchWriteItem", RequestItems={"local-images": [{"PutRequest": {}}], "links": []})
    assert sorted(r for _, r, _ in got) == [
        "arn:aws:dynamodb:eu-west-1:123456789012:table/images",
        "arn:aws:dynamodb:eu-west-1:123456789012:table/links",
    ]
    assert {a for a, _, _ in got} == {"dynamodb:BatchWriteItem"}
    assert need("dynamodb", "BatchGetItem", RequestItems={"local-images": {}})[0][:2] == (
        "dynamodb:BatchGetItem",
        T,
    )


def test_other_services():
    assert need(
        "secretsmanager", "GetSecretValue", SecretId="arn:aws:secretsmanager:eu-west-1:1:secret:app-AbCdEf"
    ) == [("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:eu-west-1:1:secret:app-AbCdEf", {})]
    assert need("ssm", "GetParameter", Name="/imageplatform/staging/key", WithDecryption=True) == [
        ("ssm:GetParameter", "arn:aws:ssm:eu-west-1:123456789012:parameter/imageplatform/staging/key", {})
    ]
    assert need("cloudwatch", "PutMetricData", Namespace="Imageplatform", MetricData=[{}]) == [
        ("cloudwatch:PutMetricData", "*", {"cloudwatch:namespace": "Imageplatform"})
    ]
    assert need("lambda", "Invoke", FunctionName="imageplatform-dev") == [
        ("lambda:InvokeFunction", "arn:aws:lambda:eu-west-1:123456789012:function:imageplatform-dev", {})
    ]


def test_an_operation_without_a_mapping_raises():
    with pytest.raises(UnmappedOperation, match="s3:PutBucketLifecycleConfiguration"):
        need("s3", "PutBucketLifecycleConfiguration", Bucket="b")
    with pytest.raises(UnmappedOperation):
        need("rekognition", "DetectLabels")
