locals {
  stage = "staging"
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
  zappa_stage                 = "dev" # zappa_settings.json's "dev" stage deploys into this environment
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

  # Staging: the database scales to zero (0-1 ACU, no deletion protection, no final
  # snapshot: the module's staging defaults), one zone for the Secrets Manager endpoint,
  # a small concurrency cap, short retention, tables and secret may be deleted at once.
  lambda_reserved_concurrency  = 10
  vpc_cidr                     = "10.20.0.0/16"
  interface_endpoint_zones     = 1
  secret_recovery_window_days  = 0
  log_retention_days           = 14
  dynamodb_deletion_protection = false
  lifecycle_days = {
    uploads             = 1
    quarantine          = 14
    noncurrent_versions = 7
    access_logs         = 30
  }
}
