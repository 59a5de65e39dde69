################################################################################
# The hand-off to Zappa (scripts/zappa_settings.py) and the app. Names follow the
# settings and environment variables they feed.
################################################################################

output "lambda_environment" {
  description = "Non-secret environment of the function (Zappa aws_environment_variables): GALLERY_BUCKET, STATIC_BUCKET, GALLERY_TABLE, SHORTLINKS_TABLE, PUBLIC_ORIGIN, APP_SECRET_ARN, DATABASE_SECRET_ARN, DATABASE_HOST, DATABASE_PORT, DATABASE_NAME, DATABASE_CONN_MAX_AGE, ORIGIN_VERIFY_HEADER, AWS_S3_US_EAST_1_REGIONAL_ENDPOINT."
  value       = try(module.platform.lambda_environment, {})
}

output "aws_region" {
  description = "Region of the stack (Zappa aws_region; AWS_REGION)."
  value       = try(module.platform.aws_region, null)
}

output "lambda_role_arn" {
  description = "Execution role for Zappa (role_arn, manage_roles = false)."
  value       = try(module.platform.lambda_role_arn, null)
}

output "lambda_function_name" {
  description = "Name Zappa gives the function (\"<project>-<zappa stage>\")."
  value       = try(module.platform.lambda_function_name, null)
}

output "lambda_log_group_name" {
  description = "Log group of the function, made here with retention before Zappa deploys."
  value       = try(module.platform.lambda_log_group_name, null)
}

output "lambda_reserved_concurrency" {
  description = "Zappa reserved_concurrency: the function's ceiling, below what the database accepts (terraform/README.md)."
  value       = try(module.platform.lambda_reserved_concurrency, null)
}

output "vpc_subnet_ids" {
  description = "Zappa vpc_config.SubnetIds: the private subnets."
  value       = try(module.platform.vpc_subnet_ids, [])
}

output "vpc_security_group_ids" {
  description = "Zappa vpc_config.SecurityGroupIds: the function's security group."
  value       = try(module.platform.vpc_security_group_ids, [])
}

output "deploy_bucket" {
  description = "Bucket for Zappa packages (s3_bucket)."
  value       = try(module.platform.deploy_bucket, null)
}

output "public_origin" {
  description = "The site's one public origin, https://... (PUBLIC_ORIGIN)."
  value       = try(module.platform.public_origin, null)
}

output "origin_verify_header" {
  description = "Header CloudFront adds to requests for the app (its values are in the app secret)."
  value       = try(module.platform.origin_verify_header, null)
}

output "app_secret_arn" {
  description = "App secret, JSON: django_secret_key, origin_verify_current, origin_verify_previous (APP_SECRET_ARN)."
  value       = try(module.platform.app_secret_arn, null)
}

################################################################################
# Database
################################################################################

output "database_host" {
  description = "Aurora writer endpoint (DATABASE_HOST)."
  value       = try(module.platform.database_host, null)
}

output "database_port" {
  description = "PostgreSQL port (DATABASE_PORT)."
  value       = try(module.platform.database_port, null)
}

output "database_name" {
  description = "Django's database (DATABASE_NAME)."
  value       = try(module.platform.database_name, null)
}

output "database_secret_arn" {
  description = "Secret RDS manages for the master user, JSON with username and password (DATABASE_SECRET_ARN)."
  value       = try(module.platform.database_secret_arn, null)
}

output "database_settings" {
  description = "Capacity range, auto-pause, deletion protection, final snapshot and encryption of the cluster."
  value       = try(module.platform.database_settings, null)
}

output "database_max_connections" {
  description = "Aurora's max_connections at the configured maximum capacity."
  value       = try(module.platform.database_max_connections, null)
}

################################################################################
# Buckets, tables, events
################################################################################

output "gallery_bucket" {
  description = "Media bucket (GALLERY_BUCKET)."
  value       = try(module.platform.gallery_bucket, null)
}

output "gallery_bucket_arn" {
  description = "Media bucket ARN: Zappa's events list wires s3:ObjectCreated:* under uploads/ to imageplatform.events.handle."
  value       = try(module.platform.gallery_bucket_arn, null)
}

output "gallery_bucket_endpoint" {
  description = "https:// URL of the media bucket's regional endpoint (direct uploads and presigned downloads; allowed by the CSP)."
  value       = try(module.platform.gallery_bucket_endpoint, null)
}

output "malware_findings_topic_arn" {
  description = "Scanner findings topic for Zappa's events list (sns:Publish); null without a scanner."
  value       = try(module.platform.malware_findings_topic_arn, null)
}

output "scanner" {
  description = "Malware scanner of direct uploads (GALLERY_SCANNER)."
  value       = try(module.platform.scanner, null)
}

output "malware_findings_queue_arn" {
  description = "SQS queue of the scanner's findings: Zappa's SQS event source (null with none or clamd)."
  value       = try(module.platform.malware_findings_queue_arn, null)
}

output "malware_findings_dlq_url" {
  description = "Dead-letter queue of findings the function could not apply."
  value       = try(module.platform.malware_findings_dlq_url, null)
}

output "invalidations_table" {
  description = "Invalidations table (PLATFORM_INVALIDATIONS_TABLE) of takedown requests."
  value       = try(module.platform.invalidations_table, null)
}

output "invalidator_function_name" {
  description = "The takedown CDN invalidator, outside the VPC."
  value       = try(module.platform.invalidator_function_name, null)
}

output "invalidator_failure_queue_url" {
  description = "Invalidation batches given up on."
  value       = try(module.platform.invalidator_failure_queue_url, null)
}

output "static_bucket" {
  description = "Static files bucket (STATIC_BUCKET); collectstatic output goes under static/."
  value       = try(module.platform.static_bucket, null)
}

output "logs_bucket" {
  description = "Access and flow log bucket (CloudFront under cloudfront/, S3 under s3/, VPC under vpc/)."
  value       = try(module.platform.logs_bucket, null)
}

output "gallery_table" {
  description = "Images table (GALLERY_TABLE)."
  value       = try(module.platform.gallery_table, null)
}

output "shortlinks_table" {
  description = "Short links table (SHORTLINKS_TABLE)."
  value       = try(module.platform.shortlinks_table, null)
}

################################################################################
# CloudFront, WAF, alarms
################################################################################

output "cloudfront_distribution_id" {
  description = "CloudFront distribution id (invalidations)."
  value       = try(module.platform.cloudfront_distribution_id, null)
}

output "cloudfront_domain" {
  description = "Domain of the site (public_origin without https://)."
  value       = try(module.platform.cloudfront_domain, null)
}

output "alarm_topic_arn" {
  description = "SNS topic of the alarms."
  value       = try(module.platform.alarm_topic_arn, null)
}

output "waf_web_acl_arn" {
  description = "WAF web ACL ARN."
  value       = try(module.platform.waf_web_acl_arn, null)
}
