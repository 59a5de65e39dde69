output "state_bucket" {
  description = "Name of the state bucket (backend \"s3\" bucket)."
  value       = try(module.state_bucket.id, null)
}

output "state_bucket_arn" {
  description = "ARN of the state bucket, for CI roles' policies."
  value       = try(module.state_bucket.arn, null)
}

output "lock_table" {
  description = "Name of the DynamoDB lock table (backend \"s3\" dynamodb_table), or null when S3 lock files are used."
  value       = try(aws_dynamodb_table.lock[0].name, null)
}

output "backend_config" {
  description = "Backend settings for the envs' backend \"s3\" blocks."
  value = try({
    bucket         = module.state_bucket.id
    region         = var.region
    encrypt        = true
    use_lockfile   = true
    dynamodb_table = try(aws_dynamodb_table.lock[0].name, null)
  }, null)
}
