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

  stage                      = local.stage
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

  # Production: tables protected from deletion, longer log and version retention.
  log_retention_days           = 90
  dynamodb_deletion_protection = true
  lifecycle_days = {
    uploads             = 2
    quarantine          = 30
    noncurrent_versions = 30
    access_logs         = 90
  }
}
