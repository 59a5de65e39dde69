"""The takedown CDN invalidator: a plain-boto3 Lambda fed by a DynamoDB stream (terraform/modules/invalidator)."""
