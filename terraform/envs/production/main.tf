locals {
  stage = "production"
  # The one definition of tables and media prefixes, shared with the app.
  definition = jsondecode(file("${path.root}/../../../imageplatform/dynamodb.json"))
}

module "platform" {
  source = "../../modules/platform"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  stage                       = local.stage
  definition                  = local.definition
  bucket_name_prefix          = var.bucket_name_prefix
  app_domain_name             = var.app_domain_name
  malware_findings_topic_arn  = var.malware_findings_topic_arn
  scanner                     = var.scanner
  clamd_url                   = var.clamd_url
  bucketav_publisher_role_arn = var.bucketav_publisher_role_arn
  alarm_email                 = var.alarm_email
  aliases                     = var.aliases
  acm_certificate_arn         = var.acm_certificate_arn
  price_class                 = var.price_class
  waf_rate_limit              = var.waf_rate_limit

  # Production: the database keeps 0.5 ACU and may grow to 4 (deletion protection, final
  # snapshot, 14 days of backups: the module's production defaults); the Secrets Manager
  # endpoint in both zones; tables protected from deletion, longer retention.
  lambda_reserved_concurrency  = 100
  vpc_cidr                     = "10.30.0.0/16"
  interface_endpoint_zones     = 2
  secret_recovery_window_days  = 30
  log_retention_days           = 90
  dynamodb_deletion_protection = true
  lifecycle_days = {
    uploads             = 1
    quarantine          = 30
    noncurrent_versions = 30
    access_logs         = 90
  }
}
