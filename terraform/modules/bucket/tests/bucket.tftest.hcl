# Offline: every resource is mocked, nothing reaches AWS.
mock_provider "aws" {
  mock_resource "aws_s3_bucket" {
    defaults = {
      arn = "arn:aws:s3:::example-media"
    }
  }
}

variables {
  name = "example-media"
}

run "private_encrypted_versioned_by_default" {
  command = apply

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "All four Block Public Access flags must be on."
  }

  assert {
    condition     = aws_s3_bucket_ownership_controls.this.rule[0].object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled (BucketOwnerEnforced) by default."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "Without a KMS key the bucket uses SSE-S3."
  }

  assert {
    condition     = aws_s3_bucket_versioning.this.versioning_configuration[0].status == "Enabled"
    error_message = "Versioning must be enabled."
  }

  assert {
    condition = anytrue([
      for s in jsondecode(aws_s3_bucket_policy.this.policy).Statement :
      s.Effect == "Deny" && s.Condition.Bool["aws:SecureTransport"] == "false"
    ])
    error_message = "The bucket policy must deny requests without TLS."
  }

  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.this.rule[0].abort_incomplete_multipart_upload[0].days_after_initiation == 1
    error_message = "Every bucket aborts incomplete multipart uploads."
  }

  assert {
    condition     = length(aws_s3_bucket_logging.this) == 0 && length(aws_s3_bucket_cors_configuration.this) == 0 && length(aws_s3_bucket_accelerate_configuration.this) == 0
    error_message = "Logging, CORS and acceleration are off unless asked for."
  }
}

run "kms_logging_lifecycle_cors_and_acceleration" {
  command = apply

  variables {
    kms_key_arn           = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    logging               = { target_bucket = "example-logs", target_prefix = "s3/media/" }
    transfer_acceleration = true
    lifecycle_rules = [
      { id = "expire-uploads", prefix = "uploads/", expiration_days = 2 },
      { id = "expire-noncurrent", noncurrent_version_expiration_days = 30 },
    ]
    cors_rules = [{ allowed_methods = ["POST"], allowed_origins = ["https://example.org"] }]
    policy_statements = [{
      Sid       = "Extra"
      Effect    = "Allow"
      Principal = { Service = "cloudfront.amazonaws.com" }
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::example-media/renditions/*"
    }]
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms"
    error_message = "A KMS key switches the bucket to SSE-KMS."
  }

  assert {
    condition     = aws_s3_bucket_logging.this[0].target_bucket == "example-logs"
    error_message = "Access logs go to the target bucket."
  }

  assert {
    condition     = aws_s3_bucket_accelerate_configuration.this[0].status == "Enabled"
    error_message = "Transfer acceleration is enabled when asked for."
  }

  assert {
    condition     = [for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.id] == ["abort-incomplete-multipart-uploads", "expire-uploads", "expire-noncurrent"]
    error_message = "Lifecycle rules are the abort rule followed by the caller's rules."
  }

  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.this.rule[1].filter[0].prefix == "uploads/" && aws_s3_bucket_lifecycle_configuration.this.rule[1].expiration[0].days == 2
    error_message = "A prefix rule expires only its prefix."
  }

  assert {
    condition     = tolist(aws_s3_bucket_cors_configuration.this[0].cors_rule)[0].allowed_methods == toset(["POST"])
    error_message = "CORS allows the presigned POST."
  }

  assert {
    condition     = length(jsondecode(aws_s3_bucket_policy.this.policy).Statement) == 2
    error_message = "Extra statements are added after the TLS-only deny."
  }
}

run "rejects_acl_writer_ownership" {
  command = plan

  variables {
    object_ownership = "ObjectWriter"
  }

  expect_failures = [var.object_ownership]
}
