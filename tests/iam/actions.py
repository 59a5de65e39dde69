"""From an AWS API call (service, operation, parameters) to the IAM requests it needs.

One API call can need several authorisations: ``CopyObject`` reads the source and writes
the destination, ``DeleteObjects`` deletes each key, ``TransactWriteItems`` is evaluated
item by item. :func:`requests_for` returns one ``(action, resource ARN, context)`` per
authorisation, built from the *summary* of the parameters the recorder keeps
(:func:`summarize`): names, keys and prefixes, never object bodies or item values beyond
the keys.

Standard library only: the recorder imports this inside the Lambda package's process.

Names are mapped through ``rename`` (local name -> the name Terraform gives it), and the
region and account are the deployment's, so that a call made against moto's
``test-gallery-moto`` is judged as the same call against the real bucket.

An operation this module has no mapping for raises :class:`UnmappedOperation`: a call the
check cannot translate must show up, not pass silently.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

PRESIGNED_POST = "PresignedPost"  # the recorder's name for generate_presigned_post


class UnmappedOperation(KeyError):
    def __str__(self):
        return f"no IAM mapping for {self.args[0]}: add it to tests/iam/actions.py"


# --------------------------------------------------------------------------- summaries
_S3_KEEP = (
    "Bucket",
    "Key",
    "Prefix",
    "Delimiter",
    "MaxKeys",
    "VersionId",
    "ACL",
    "ServerSideEncryption",
    "SSEKMSKeyId",
    "StorageClass",
    "UploadId",
)
_DDB_KEEP = (
    "TableName",
    "IndexName",
    "Key",
    "KeyConditionExpression",
    "ExpressionAttributeNames",
    "Select",
    "ReturnValues",
    "ConditionExpression",
)
_OTHER_KEEP = (
    "SecretId",
    "Name",
    "Names",
    "Path",
    "Namespace",
    "TopicArn",
    "TargetArn",
    "FunctionName",
    "Qualifier",
    "KeyId",
    "logGroupName",
    "logStreamName",
    "QueueUrl",
)


def summarize(service: str, operation: str, params: dict) -> dict:
    """The parameters worth keeping for the IAM check (JSON-serialisable, small)."""
    params = params or {}
    out: dict = {}
    keep = _S3_KEEP if service == "s3" else _DDB_KEEP if service == "dynamodb" else _OTHER_KEEP
    for name in keep:
        if name in params:
            out[name] = params[name]
    if service == "s3":
        if "Tagging" in params:
            out["Tagging"] = True
        if "CopySource" in params:
            out["CopySource"] = params["CopySource"]
        if operation == "DeleteObjects":
            objects = (params.get("Delete") or {}).get("Objects", [])
            out["Delete"] = [{k: o[k] for k in ("Key", "VersionId") if k in o} for o in objects]
        if operation == PRESIGNED_POST:
            out["Conditions"] = params.get("Conditions")
    elif service == "dynamodb":
        if "KeyConditionExpression" in params:
            out["ExpressionAttributeValues"] = params.get("ExpressionAttributeValues", {})
        if "Item" in params:
            out["ItemAttributes"] = sorted(params["Item"])
        if operation in ("TransactWriteItems", "TransactGetItems"):
            items = []
            for entry in params.get("TransactItems", []):
                for kind, body in entry.items():
                    items.append({"Type": kind, "TableName": body.get("TableName"), "Key": body.get("Key")})
            out["TransactItems"] = items
        if operation in ("BatchWriteItem", "BatchGetItem"):
            out["RequestItems"] = sorted(params.get("RequestItems", {}))
    elif service == "cloudwatch" and "MetricData" in params:
        out["MetricCount"] = len(params["MetricData"])
    return out


# --------------------------------------------------------------------------- ARNs
class Arns:
    def __init__(self, *, region: str, account: str, partition: str = "aws", rename=None):
        self.region, self.account, self.partition = region, account, partition
        self.rename = rename or (lambda name: name)

    def s3_bucket(self, bucket: str) -> str:
        return f"arn:{self.partition}:s3:::{self.rename(bucket)}"

    def s3_object(self, bucket: str, key: str) -> str:
        return f"{self.s3_bucket(bucket)}/{key}"

    def table(self, name: str, index: str | None = None) -> str:
        if name.startswith("arn:"):
            name = name.split(":table/", 1)[1]
        arn = f"arn:{self.partition}:dynamodb:{self.region}:{self.account}:table/{self.rename(name)}"
        return f"{arn}/index/{index}" if index else arn

    def regional(self, service: str, resource: str) -> str:
        return f"arn:{self.partition}:{service}:{self.region}:{self.account}:{resource}"


def _copy_source(value) -> tuple[str, str, str | None]:
    if isinstance(value, dict):
        return value["Bucket"], value["Key"], value.get("VersionId")
    value = value.lstrip("/")
    version = None
    if "?versionId=" in value:
        value, version = value.split("?versionId=", 1)
    bucket, key = value.split("/", 1)
    return bucket, unquote(key), version


_HASH_EQ = re.compile(r"^\s*\(?\s*(#?[\w.]+)\s*=\s*(:[\w]+)")


def _attr_value(value) -> str | None:
    if isinstance(value, dict) and len(value) == 1:
        ((kind, v),) = value.items()
        if kind in ("S", "N", "B"):
            return str(v)
    return None


def _leading_keys(p: dict) -> list[str] | None:
    """dynamodb:LeadingKeys when the request shows its partition key value, else None."""
    key = p.get("Key")
    if isinstance(key, dict) and len(key) == 1:
        value = _attr_value(next(iter(key.values())))
        return [value] if value is not None else None
    expr = p.get("KeyConditionExpression")
    if expr and not p.get("IndexName"):
        m = _HASH_EQ.match(expr)
        if m:
            value = _attr_value((p.get("ExpressionAttributeValues") or {}).get(m.group(2)))
            return [value] if value is not None else None
    return None


# --------------------------------------------------------------------------- S3
_S3_OBJECT_ACTIONS = {
    "GetObject": "s3:GetObject",
    "HeadObject": "s3:GetObject",
    "PutObject": "s3:PutObject",
    "DeleteObject": "s3:DeleteObject",
    "CreateMultipartUpload": "s3:PutObject",
    "UploadPart": "s3:PutObject",
    "CompleteMultipartUpload": "s3:PutObject",
    "AbortMultipartUpload": "s3:AbortMultipartUpload",
    "ListParts": "s3:ListMultipartUploadParts",
    "GetObjectTagging": "s3:GetObjectTagging",
    "PutObjectTagging": "s3:PutObjectTagging",
    "DeleteObjectTagging": "s3:DeleteObjectTagging",
    "GetObjectAcl": "s3:GetObjectAcl",
    "PutObjectAcl": "s3:PutObjectAcl",
    "GetObjectAttributes": "s3:GetObject",
    "RestoreObject": "s3:RestoreObject",
    PRESIGNED_POST: "s3:PutObject",
}
_S3_VERSIONED = {
    "s3:GetObject": "s3:GetObjectVersion",
    "s3:DeleteObject": "s3:DeleteObjectVersion",
    "s3:GetObjectTagging": "s3:GetObjectVersionTagging",
    "s3:PutObjectTagging": "s3:PutObjectVersionTagging",
    "s3:DeleteObjectTagging": "s3:DeleteObjectVersionTagging",
    "s3:GetObjectAcl": "s3:GetObjectVersionAcl",
    "s3:PutObjectAcl": "s3:PutObjectVersionAcl",
}
_S3_BUCKET_ACTIONS = {
    "HeadBucket": "s3:ListBucket",
    "ListObjectsV2": "s3:ListBucket",
    "ListObjects": "s3:ListBucket",
    "ListObjectVersions": "s3:ListBucketVersions",
    "ListMultipartUploads": "s3:ListBucketMultipartUploads",
    "CreateBucket": "s3:CreateBucket",
    "DeleteBucket": "s3:DeleteBucket",
    "GetBucketLocation": "s3:GetBucketLocation",
    "GetBucketVersioning": "s3:GetBucketVersioning",
    "GetBucketCors": "s3:GetBucketCORS",
    "PutBucketCors": "s3:PutBucketCORS",
    "GetBucketPolicy": "s3:GetBucketPolicy",
    "PutBucketPolicy": "s3:PutBucketPolicy",
    "GetBucketTagging": "s3:GetBucketTagging",
    "PutBucketNotificationConfiguration": "s3:PutBucketNotification",
    "GetBucketNotificationConfiguration": "s3:GetBucketNotification",
}


def _s3(op: str, p: dict, arns: Arns) -> list[tuple[str, str, dict]]:
    if op == "ListBuckets":
        return [("s3:ListAllMyBuckets", "*", {})]
    bucket = p.get("Bucket")
    if op in _S3_BUCKET_ACTIONS:
        ctx = {}
        if op in ("ListObjectsV2", "ListObjects", "ListObjectVersions"):
            # The key is in the request context even when empty: listing "everything".
            ctx["s3:prefix"] = p.get("Prefix", "")
            if "Delimiter" in p:
                ctx["s3:delimiter"] = p["Delimiter"]
            if "MaxKeys" in p:
                ctx["s3:max-keys"] = p["MaxKeys"]
        return [(_S3_BUCKET_ACTIONS[op], arns.s3_bucket(bucket), ctx)]
    if op == "DeleteObjects":
        out = []
        for obj in p.get("Delete", []):
            action = "s3:DeleteObjectVersion" if obj.get("VersionId") else "s3:DeleteObject"
            out.append((action, arns.s3_object(bucket, obj["Key"]), {}))
        return out
    if op in ("CopyObject", "UploadPartCopy"):
        src_bucket, src_key, src_version = _copy_source(p["CopySource"])
        read = "s3:GetObjectVersion" if src_version else "s3:GetObject"
        out = [
            (read, arns.s3_object(src_bucket, src_key), {}),
            ("s3:PutObject", arns.s3_object(bucket, p["Key"]), _s3_put_context(p)),
        ]
        if p.get("Tagging"):
            out.append(("s3:PutObjectTagging", arns.s3_object(bucket, p["Key"]), {}))
        return out
    if op in _S3_OBJECT_ACTIONS:
        action = _S3_OBJECT_ACTIONS[op]
        if p.get("VersionId"):
            action = _S3_VERSIONED.get(action, action)
        resource = arns.s3_object(bucket, p["Key"])
        ctx = _s3_put_context(p) if action == "s3:PutObject" else {}
        out = [(action, resource, ctx)]
        if op in ("PutObject", "CreateMultipartUpload") and p.get("Tagging"):
            out.append(("s3:PutObjectTagging", resource, {}))
        if op in ("PutObject", "CreateMultipartUpload", "CopyObject") and p.get("ACL"):
            out.append(("s3:PutObjectAcl", resource, {"s3:x-amz-acl": p["ACL"]}))
        return out
    raise UnmappedOperation(f"s3:{op}")


def _s3_put_context(p: dict) -> dict:
    ctx = {}
    if p.get("ACL"):
        ctx["s3:x-amz-acl"] = p["ACL"]
    if p.get("ServerSideEncryption"):
        ctx["s3:x-amz-server-side-encryption"] = p["ServerSideEncryption"]
    if p.get("SSEKMSKeyId"):
        ctx["s3:x-amz-server-side-encryption-aws-kms-key-id"] = p["SSEKMSKeyId"]
    if p.get("StorageClass"):
        ctx["s3:x-amz-storage-class"] = p["StorageClass"]
    return ctx


# --------------------------------------------------------------------------- DynamoDB
_TRANSACT = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
    "Get": "dynamodb:GetItem",
}
_DDB_TABLE_OPS = {
    "GetItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "Scan",
    "DescribeTable",
    "CreateTable",
    "DeleteTable",
    "UpdateTable",
    "DescribeTimeToLive",
    "UpdateTimeToLive",
    "DescribeContinuousBackups",
    "UpdateContinuousBackups",
}


def _dynamodb(op: str, p: dict, arns: Arns) -> list[tuple[str, str, dict]]:
    if op in ("ListTables", "DescribeLimits", "DescribeEndpoints"):
        return [(f"dynamodb:{op}", "*", {})]
    if op in _DDB_TABLE_OPS:
        ctx = {}
        leading = _leading_keys(p)
        if leading is not None:
            ctx["dynamodb:LeadingKeys"] = leading
        if p.get("Select"):
            ctx["dynamodb:Select"] = p["Select"]
        if p.get("ReturnValues"):
            ctx["dynamodb:ReturnValues"] = p["ReturnValues"]
        index = p.get("IndexName") if op in ("Query", "Scan") else None
        return [(f"dynamodb:{op}", arns.table(p["TableName"], index), ctx)]
    if op in ("TransactWriteItems", "TransactGetItems"):
        out = []
        for item in p.get("TransactItems", []):
            if item["Type"] not in _TRANSACT:
                raise UnmappedOperation(f"dynamodb:{op} item {item['Type']}")
            ctx = {}
            leading = _leading_keys({"Key": item.get("Key")})
            if leading is not None:
                ctx["dynamodb:LeadingKeys"] = leading
            out.append((_TRANSACT[item["Type"]], arns.table(item["TableName"]), ctx))
        return out
    if op in ("BatchWriteItem", "BatchGetItem"):
        return [(f"dynamodb:{op}", arns.table(t), {}) for t in p.get("RequestItems", [])]
    raise UnmappedOperation(f"dynamodb:{op}")


# --------------------------------------------------------------------------- the rest
def _other(service: str, op: str, p: dict, arns: Arns) -> list[tuple[str, str, dict]]:
    if service == "secretsmanager" and op in ("GetSecretValue", "DescribeSecret"):
        secret = arns.rename(p["SecretId"])
        if not secret.startswith("arn:"):
            # A name resolves to the full ARN, which ends in "-" and six random characters.
            secret = arns.regional("secretsmanager", f"secret:{secret}-AbCdEf")
        return [(f"secretsmanager:{op}", secret, {})]
    if service == "ssm" and op in ("GetParameter", "GetParameters", "GetParametersByPath"):
        names = p.get("Names") or [p.get("Name") or p.get("Path")]
        out = []
        for name in names:
            if not name.startswith("arn:"):
                name = arns.regional("ssm", f"parameter/{arns.rename(name).lstrip('/')}")
            out.append((f"ssm:{op}", name, {}))
        return out
    if service == "cloudwatch" and op == "PutMetricData":
        return [("cloudwatch:PutMetricData", "*", {"cloudwatch:namespace": p.get("Namespace")})]
    if service == "sns" and op == "Publish":
        return [("sns:Publish", p.get("TopicArn") or p.get("TargetArn"), {})]
    if service == "lambda" and op in ("Invoke", "InvokeAsync"):
        fn = p["FunctionName"]
        if not fn.startswith("arn:"):
            fn = arns.regional("lambda", f"function:{fn}")
        if p.get("Qualifier"):
            fn = f"{fn}:{p['Qualifier']}"
        return [("lambda:InvokeFunction", fn, {})]
    if service == "kms" and op in ("Decrypt", "GenerateDataKey", "Encrypt"):
        return [(f"kms:{op}", p.get("KeyId") or "*", {})]
    if service == "logs" and op in ("CreateLogStream", "PutLogEvents"):
        group = arns.regional("logs", f"log-group:{p['logGroupName']}")
        return [(f"logs:{op}", f"{group}:log-stream:{p.get('logStreamName', '')}", {})]
    if service == "sts" and op == "GetCallerIdentity":
        return []  # needs no permission
    raise UnmappedOperation(f"{service}:{op}")


def requests_for(service: str, operation: str, params: dict, arns: Arns) -> list[tuple[str, str, dict]]:
    """[(IAM action, resource ARN, condition context)] that the call needs."""
    if service == "s3":
        return _s3(operation, params, arns)
    if service == "dynamodb":
        return _dynamodb(operation, params, arns)
    return _other(service, operation, params, arns)
