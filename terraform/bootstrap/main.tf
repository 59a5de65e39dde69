################################################################################
# State bucket: versioned, encrypted, private, TLS only
################################################################################

module "state_bucket" {
  source = "../modules/bucket"

  name = var.state_bucket_name
  lifecycle_rules = [{
    id                                 = "expire-old-state-versions"
    noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  }]
}

################################################################################
# Optional DynamoDB lock table (Terraform < 1.10)
################################################################################

resource "aws_dynamodb_table" "lock" {
  #checkov:skip=CKV_AWS_119:Lock items hold only a digest and a lock id; the AWS owned key encrypts them at rest.
  count = var.create_lock_table ? 1 : 0

  name                        = var.lock_table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "LockID"
  deletion_protection_enabled = true

  attribute {
    name = "LockID"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = false
  }
}
