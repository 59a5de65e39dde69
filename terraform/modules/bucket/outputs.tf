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
