mock_provider "aws" {
  source = "../tests/mocks"
}

run "state_bucket_without_lock_table" {
  command = apply

  assert {
    condition     = output.state_bucket == var.state_bucket_name && output.backend_config.use_lockfile
    error_message = "The state bucket backs the envs with S3 native lock files."
  }

  assert {
    condition     = length(aws_dynamodb_table.lock) == 0 && output.lock_table == null
    error_message = "No DynamoDB lock table unless asked for."
  }
}

run "lock_table_for_older_terraform" {
  command = apply

  variables {
    create_lock_table = true
  }

  assert {
    condition     = aws_dynamodb_table.lock[0].hash_key == "LockID" && aws_dynamodb_table.lock[0].billing_mode == "PAY_PER_REQUEST"
    error_message = "The lock table has the LockID hash key Terraform expects."
  }

  assert {
    condition     = output.backend_config.dynamodb_table == var.lock_table_name
    error_message = "The backend settings name the lock table."
  }
}
