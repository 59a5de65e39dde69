output "lambda_environment" {
  description = "Lambda environment for the Zappa settings generator: GALLERY_BUCKET, STATIC_BUCKET, GALLERY_TABLE, SHORTLINKS_TABLE, CLOUDFRONT_DOMAIN, CLOUDFRONT_KEY_ID."
  value       = try(module.platform.lambda_environment, {})
}

output "aws_region" {
  description = "Region of the stack (AWS_REGION)."
  value       = try(module.platform.aws_region, null)
}

output "gallery_bucket" {
  description = "Media bucket (GALLERY_BUCKET)."
  value       = try(module.platform.gallery_bucket, null)
}

output "static_bucket" {
  description = "Static files bucket (STATIC_BUCKET)."
  value       = try(module.platform.static_bucket, null)
}

output "deploy_bucket" {
  description = "Bucket for Zappa packages (s3_bucket)."
  value       = try(module.platform.deploy_bucket, null)
}

output "gallery_table" {
  description = "Images table (GALLERY_TABLE)."
  value       = try(module.platform.gallery_table, null)
}

output "shortlinks_table" {
  description = "Short links table (SHORTLINKS_TABLE)."
  value       = try(module.platform.shortlinks_table, null)
}

output "lambda_role_arn" {
  description = "Execution role for Zappa (role_arn, manage_roles = false)."
  value       = try(module.platform.lambda_role_arn, null)
}

output "lambda_function_name" {
  description = "Name Zappa gives the function."
  value       = try(module.platform.lambda_function_name, null)
}

output "cloudfront_distribution_id" {
  description = "CloudFront distribution id."
  value       = try(module.platform.cloudfront_distribution_id, null)
}

output "cloudfront_domain" {
  description = "Domain of the site (CLOUDFRONT_DOMAIN)."
  value       = try(module.platform.cloudfront_domain, null)
}

output "cloudfront_key_id" {
  description = "Public key id for signed URLs (CLOUDFRONT_KEY_ID)."
  value       = try(module.platform.cloudfront_key_id, null)
}

output "cloudfront_key_group_id" {
  description = "Trusted key group id."
  value       = try(module.platform.cloudfront_key_group_id, null)
}

output "cloudfront_private_key_parameter" {
  description = "SSM parameter holding the URL-signing private key."
  value       = try(module.platform.cloudfront_private_key_parameter, null)
}

output "alarm_topic_arn" {
  description = "SNS topic of the alarms."
  value       = try(module.platform.alarm_topic_arn, null)
}

output "waf_web_acl_arn" {
  description = "WAF web ACL ARN."
  value       = try(module.platform.waf_web_acl_arn, null)
}
