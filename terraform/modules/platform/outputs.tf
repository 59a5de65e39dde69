################################################################################
# Zappa settings and the app (names match the settings / environment variables)
################################################################################

output "lambda_environment" {
  description = "Environment of the Lambda function, keyed by the variable names the app reads (GALLERY_BUCKET, STATIC_BUCKET, GALLERY_TABLE, SHORTLINKS_TABLE, CLOUDFRONT_DOMAIN, CLOUDFRONT_KEY_ID). AWS_REGION is set by Lambda itself."
  value = try(merge(
    {
      GALLERY_BUCKET    = module.media_bucket.id
      STATIC_BUCKET     = module.static_bucket.id
      CLOUDFRONT_DOMAIN = module.cdn.domain_name
      CLOUDFRONT_KEY_ID = module.cdn.public_key_id
    },
    module.tables.table_names_by_setting,
  ), {})
}

output "lambda_role_arn" {
  description = "ARN of the Lambda execution role (Zappa role_arn, with manage_roles = false)."
  value       = try(aws_iam_role.this.arn, null)
}

output "lambda_function_name" {
  description = "Name Zappa must give the function (\"<project>-<stage>\")."
  value       = try(local.function_name, null)
}

output "lambda_log_group_name" {
  description = "Log group of the function, created here with retention."
  value       = try(aws_cloudwatch_log_group.lambda.name, null)
}

output "cloudfront_private_key_parameter" {
  description = "SSM SecureString parameter the function may read for the URL-signing private key."
  value       = try(local.private_key_param, null)
}

output "aws_region" {
  description = "Region of the stack (AWS_REGION)."
  value       = try(local.region, null)
}

################################################################################
# Buckets and tables
################################################################################

output "gallery_bucket" {
  description = "Media bucket name (GALLERY_BUCKET)."
  value       = try(module.media_bucket.id, null)
}

output "static_bucket" {
  description = "Static files bucket name (STATIC_BUCKET); collectstatic writes under static/."
  value       = try(module.static_bucket.id, null)
}

output "logs_bucket" {
  description = "Access log bucket name (CloudFront under cloudfront/, S3 under s3/)."
  value       = try(module.logs_bucket.id, null)
}

output "deploy_bucket" {
  description = "Bucket for Zappa's deployment packages (zappa_settings s3_bucket)."
  value       = try(module.deploy_bucket.id, null)
}

output "gallery_table" {
  description = "Images table name (GALLERY_TABLE)."
  value       = try(module.tables.table_names_by_setting["GALLERY_TABLE"], null)
}

output "shortlinks_table" {
  description = "Short links table name (SHORTLINKS_TABLE)."
  value       = try(module.tables.table_names_by_setting["SHORTLINKS_TABLE"], null)
}

output "tables" {
  description = "Every table from the shared definition as created: name, ARN, setting, keys, index names, TTL attribute."
  value       = try(module.tables.tables, {})
}

################################################################################
# CloudFront, WAF, alarms
################################################################################

output "cloudfront_distribution_id" {
  description = "CloudFront distribution id (invalidations in the CD pipeline)."
  value       = try(module.cdn.distribution_id, null)
}

output "cloudfront_domain" {
  description = "Domain of the site (CLOUDFRONT_DOMAIN): the first alias, else *.cloudfront.net."
  value       = try(module.cdn.domain_name, null)
}

output "cloudfront_distribution_domain" {
  description = "The distribution's *.cloudfront.net name (DNS target for aliases)."
  value       = try(module.cdn.cloudfront_domain_name, null)
}

output "cloudfront_key_id" {
  description = "CloudFront public key id that signed URLs name (CLOUDFRONT_KEY_ID)."
  value       = try(module.cdn.public_key_id, null)
}

output "cloudfront_key_group_id" {
  description = "Trusted key group id for signed URLs."
  value       = try(module.cdn.key_group_id, null)
}

output "waf_web_acl_arn" {
  description = "ARN of the WAF web ACL on CloudFront."
  value       = try(module.waf.web_acl_arn, null)
}

output "alarm_topic_arn" {
  description = "SNS topic receiving the alarms."
  value       = try(module.monitoring.topic_arn, null)
}

output "alarm_names" {
  description = "Names of the CloudWatch alarms."
  value       = try(module.monitoring.alarm_names, [])
}
