output "id" {
  description = "Name of the bucket."
  value       = try(aws_s3_bucket.this.bucket, null)
}

output "arn" {
  description = "ARN of the bucket."
  value       = try(aws_s3_bucket.this.arn, null)
}

output "bucket_regional_domain_name" {
  description = "Regional domain name of the bucket, used as a CloudFront origin."
  value       = try(aws_s3_bucket.this.bucket_regional_domain_name, null)
}

output "bucket_domain_name" {
  description = "Global domain name of the bucket (the CloudFront logging target form)."
  value       = try(aws_s3_bucket.this.bucket_domain_name, null)
}

output "policy" {
  description = "The bucket policy (JSON)."
  value       = try(aws_s3_bucket_policy.this.policy, null)
}

output "cors_rules" {
  description = "CORS rules as applied: allowed methods and origins."
  value       = try([for r in aws_s3_bucket_cors_configuration.this[0].cors_rule : { allowed_methods = sort(r.allowed_methods), allowed_origins = sort(r.allowed_origins) }], [])
}

output "lifecycle_rules" {
  description = "Lifecycle rules as applied: id, key prefix and expiration in days."
  value = try([
    for r in aws_s3_bucket_lifecycle_configuration.this.rule :
    { id = r.id, prefix = try(r.filter[0].prefix, ""), expiration_days = try(r.expiration[0].days, null) }
  ], [])
}
