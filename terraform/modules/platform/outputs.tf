################################################################################
# Zappa settings and the app (names match the settings / environment variables)
################################################################################

output "lambda_environment" {
  description = "Every non-secret environment variable the function needs from Terraform, keyed by the names the app reads. Secrets are not here: the app reads them from APP_SECRET_ARN and DATABASE_SECRET_ARN. AWS_REGION is set by Lambda itself."
  value = try(merge(
    {
      GALLERY_BUCKET        = module.media_bucket.id
      STATIC_BUCKET         = module.static_bucket.id
      PUBLIC_ORIGIN         = local.public_origin
      APP_SECRET_ARN        = aws_secretsmanager_secret.app.arn
      DATABASE_SECRET_ARN   = module.database.secret_arn
      DATABASE_HOST         = module.database.host
      DATABASE_PORT         = tostring(module.database.port)
      DATABASE_NAME         = module.database.database_name
      DATABASE_CONN_MAX_AGE = tostring(coalesce(var.database_conn_max_age, var.stage == "production" ? 300 : 0))
      ORIGIN_VERIFY_HEADER  = local.origin_verify_header
      # boto3 in us-east-1 otherwise signs URLs for the global s3.amazonaws.com name; the
      # CSP allows the bucket's regional endpoint (no effect in other regions).
      AWS_S3_US_EAST_1_REGIONAL_ENDPOINT = "regional"
      # The malware scanner Terraform wired (scanning.tf); clamd's address when it is clamd.
      GALLERY_SCANNER = var.scanner
    },
    var.scanner == "clamd" ? { GALLERY_CLAMD_URL = var.clamd_url } : {},
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

output "lambda_reserved_concurrency" {
  description = "Reserved concurrency for the function (Zappa reserved_concurrency), below what the database accepts."
  value       = try(var.lambda_reserved_concurrency, null)

  precondition {
    condition     = local.database_connections_needed <= local.database_max_connections
    error_message = "lambda_reserved_concurrency needs more database connections (2 per instance + headroom) than Aurora's max_connections at this max_capacity: lower it or raise database.max_capacity."
  }
}

output "database_max_connections" {
  description = "Aurora's max_connections at the configured capacity range (AWS's table), for the concurrency arithmetic."
  value       = try(local.database_max_connections, null)
}

output "vpc_subnet_ids" {
  description = "Private subnets of the function (Zappa vpc_config.SubnetIds)."
  value       = try(module.network.private_subnet_ids, [])
}

output "vpc_security_group_ids" {
  description = "Security groups of the function (Zappa vpc_config.SecurityGroupIds); only this one reaches the database."
  value       = try([module.network.function_security_group_id], [])
}

output "vpc_id" {
  description = "The platform's VPC."
  value       = try(module.network.vpc_id, null)
}

output "interface_endpoints" {
  description = "Interface endpoints of the VPC by service: id and number of zones."
  value       = try(module.network.interface_endpoints, {})
}

output "database_host" {
  description = "Writer endpoint of the Aurora cluster (DATABASE_HOST)."
  value       = try(module.database.host, null)
}

output "database_port" {
  description = "PostgreSQL port (DATABASE_PORT)."
  value       = try(module.database.port, null)
}

output "database_name" {
  description = "Django's database (DATABASE_NAME)."
  value       = try(module.database.database_name, null)
}

output "database_secret_arn" {
  description = "Secret RDS manages for the master user, JSON with username and password (DATABASE_SECRET_ARN)."
  value       = try(module.database.secret_arn, null)
}

output "database_cluster_identifier" {
  description = "Identifier of the Aurora cluster."
  value       = try(module.database.cluster_identifier, null)
}

output "database_settings" {
  description = "Capacity range, auto-pause, deletion protection, final snapshot and encryption of the cluster."
  value       = try(module.database.settings, null)
}

output "app_secret_arn" {
  description = "Secret with the JSON keys django_secret_key, origin_verify_current, origin_verify_previous (APP_SECRET_ARN)."
  value       = try(aws_secretsmanager_secret.app.arn, null)
}

output "origin_verify_header" {
  description = "Header CloudFront adds to every request for the app; its value is the secret's origin_verify_current."
  value       = try(local.origin_verify_header, null)
}

output "public_origin" {
  description = "The one public origin of the site (PUBLIC_ORIGIN): https:// and the first alias, else the CloudFront domain."
  value       = try(local.public_origin, null)
}

output "health_check_prefix" {
  description = "The key prefix /healthz lists in the media bucket (list_objects_v2 with MaxKeys=1); nothing is stored there."
  value       = try(local.health_check_prefix, null)
}

output "content_security_policy" {
  description = "Content-Security-Policy CloudFront adds to the app's responses."
  value       = try(module.cdn.content_security_policy, null)
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

output "gallery_bucket_arn" {
  description = "Media bucket ARN: the event source of Zappa's s3:ObjectCreated:* (prefix uploads/) event."
  value       = try(module.media_bucket.arn, null)
}

output "gallery_bucket_endpoint" {
  description = "https:// URL of the media bucket's regional endpoint (direct uploads, presigned downloads; allowed by the CSP)."
  value       = try(module.cdn.bucket_endpoint, null)
}

output "scanner" {
  description = "The malware scanner of direct uploads (GALLERY_SCANNER): none, clamd, bucketav or guardduty."
  value       = var.scanner

  precondition {
    condition     = var.scanner != "clamd" || var.clamd_url != null
    error_message = "scanner = clamd needs clamd_url (tcp://host:port the function reaches in the VPC)."
  }

  precondition {
    condition     = var.scanner != "bucketav" || var.malware_findings_topic_arn != null || var.bucketav_publisher_role_arn != null
    error_message = "scanner = bucketav needs malware_findings_topic_arn (BucketAV's own topic) or bucketav_publisher_role_arn (the only publisher of the topic created here)."
  }
}

output "malware_findings_topic_arn" {
  description = "BucketAV's findings topic (the vendor's, or the one created here); null with any other scanner. Informational: the function gets the findings from malware_findings_queue_arn, never from the topic."
  value       = try(local.findings_topic_arn, null)
}

output "malware_findings_queue_arn" {
  description = "SQS queue of the scanner's findings (bucketav: the topic's filtered subscription; guardduty: the EventBridge rule), for Zappa's events list as an SQS event source; null with none or clamd."
  value       = try(aws_sqs_queue.scan_findings[0].arn, null)
}

output "malware_findings_dlq_url" {
  description = "Dead-letter queue of findings the function could not apply (alarmed)."
  value       = try(aws_sqs_queue.scan_findings_dlq[0].url, null)
}

output "guardduty_malware_protection_plan_arn" {
  description = "GuardDuty Malware Protection plan of the media bucket's uploads/ (scanner = guardduty)."
  value       = try(aws_guardduty_malware_protection_plan.this[0].arn, null)
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

output "invalidations_table" {
  description = "Invalidations table (PLATFORM_INVALIDATIONS_TABLE): the app puts takedown requests, the invalidator records the outcome."
  value       = try(module.tables.table_names_by_setting["PLATFORM_INVALIDATIONS_TABLE"], null)
}

output "invalidator_function_name" {
  description = "The takedown CDN invalidator (outside the VPC), fed by the invalidations table's stream."
  value       = try(module.invalidator.function_name, null)
}

output "invalidator_failure_queue_url" {
  description = "SQS queue describing invalidation batches given up on (alarmed)."
  value       = try(module.invalidator.failure_queue_url, null)
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
  description = "Domain of the site: the first alias, else *.cloudfront.net (PUBLIC_ORIGIN without https://)."
  value       = try(module.cdn.domain_name, null)
}

output "cloudfront_distribution_domain" {
  description = "The distribution's *.cloudfront.net name (DNS target for aliases)."
  value       = try(module.cdn.cloudfront_domain_name, null)
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
  description = "Names of the CloudWatch alarms: the platform's, the invalidator's and, with a findings queue, its dead letters."
  value = try(concat(
    module.monitoring.alarm_names,
    module.invalidator.alarm_names,
    [for a in aws_cloudwatch_metric_alarm.scan_findings_dlq : a.alarm_name],
  ), [])
}
