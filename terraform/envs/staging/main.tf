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

  stage                      = local.stage
  zappa_stage                = "dev" # zappa_settings.json's "dev" stage deploys into this environment
  definition                 = local.definition
  bucket_name_prefix         = var.bucket_name_prefix
  app_domain_name            = var.app_domain_name
  lambda_function_arn        = var.lambda_function_arn
  malware_findings_topic_arn = var.malware_findings_topic_arn
  cloudfront_public_key_pem  = file("${path.root}/cloudfront_public_key.pem")
  alarm_email                = var.alarm_email
  aliases                    = var.aliases
  acm_certificate_arn        = var.acm_certificate_arn
  price_class                = var.price_class
  waf_rate_limit             = var.waf_rate_limit
  cors_allowed_origins       = var.cors_allowed_origins

  # Staging: short retention, tables may be deleted, renditions signed like production.
  log_retention_days           = 14
  dynamodb_deletion_protection = false
  lifecycle_days = {
    uploads             = 1
    quarantine          = 14
    noncurrent_versions = 7
    access_logs         = 30
  }
}
