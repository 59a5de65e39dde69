data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  name               = "${var.project}-${var.stage}"
  zappa_stage        = coalesce(var.zappa_stage, var.stage)
  function_name      = "${var.project}-${local.zappa_stage}" # Zappa: "<project_name>-<stage>"
  bucket_prefix      = coalesce(var.bucket_name_prefix, local.name)
  prefixes           = var.definition.s3_prefixes
  deletion_protected = coalesce(var.dynamodb_deletion_protection, var.stage == "production")
  app_origin_path    = var.app_origin_path == null ? "/${local.zappa_stage}" : var.app_origin_path
  private_key_param  = coalesce(var.cloudfront_private_key_parameter, "/${var.project}/${var.stage}/cloudfront-private-key")
  tags               = merge({ Project = var.project, Stage = var.stage, ManagedBy = "terraform" }, var.tags)

  # No data source for the account: offline plans have no STS. The role's ARN carries it.
  account_id = split(":", aws_iam_role.this.arn)[4]
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition

  function_arn        = coalesce(var.lambda_function_arn, "arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:${local.function_name}")
  wire_upload_events  = var.lambda_function_arn != null && var.malware_findings_topic_arn == null
  wire_scan_findings  = var.lambda_function_arn != null && var.malware_findings_topic_arn != null
  site_origin         = "https://${module.cdn.domain_name}"
  table_names         = [for t in values(var.definition.tables) : "${local.name}-${t.suffix}"]
  media_object_arns   = { for k, p in local.prefixes : k => "${module.media_bucket.arn}/${p}*" }
  oac_readable_prefix = [local.prefixes["originals"], local.prefixes["renditions"]]
  media_bucket_arn    = "arn:${local.partition}:s3:::${local.bucket_prefix}-media"
  static_bucket_arn   = "arn:${local.partition}:s3:::${local.bucket_prefix}-static"
}

################################################################################
# Buckets: access logs, media, static files, Zappa packages
################################################################################

module "logs_bucket" {
  #checkov:skip=CKV2_AWS_65:CloudFront standard logging writes log files with ACLs, so this bucket alone keeps them enabled (BucketOwnerPreferred).
  source = "../bucket"

  name = "${local.bucket_prefix}-logs"
  # CloudFront standard logging still writes with ACLs.
  object_ownership = "BucketOwnerPreferred"
  lifecycle_rules = [{
    id                                 = "expire-logs"
    expiration_days                    = var.lifecycle_days.access_logs
    noncurrent_version_expiration_days = 1
  }]
  policy_statements = [{
    Sid       = "AllowS3ServerAccessLogs"
    Effect    = "Allow"
    Principal = { Service = "logging.s3.amazonaws.com" }
    Action    = "s3:PutObject"
    Resource  = "arn:${local.partition}:s3:::${local.bucket_prefix}-logs/s3/*"
    Condition = {
      ArnLike = {
        "aws:SourceArn" = [
          "arn:${local.partition}:s3:::${local.bucket_prefix}-media",
          "arn:${local.partition}:s3:::${local.bucket_prefix}-static",
          "arn:${local.partition}:s3:::${local.bucket_prefix}-deploy",
        ]
      }
    }
  }]
  tags = local.tags
}

module "media_bucket" {
  source = "../bucket"

  name                            = "${local.bucket_prefix}-media"
  kms_key_arn                     = var.media_kms_key_arn
  abort_incomplete_multipart_days = var.lifecycle_days.abort_incomplete_multipart
  transfer_acceleration           = var.enable_transfer_acceleration
  logging                         = { target_bucket = module.logs_bucket.id, target_prefix = "s3/media/" }

  lifecycle_rules = [
    {
      id              = "expire-abandoned-uploads"
      prefix          = local.prefixes["uploads"]
      expiration_days = var.lifecycle_days.uploads
    },
    {
      id              = "expire-quarantine"
      prefix          = local.prefixes["quarantine"]
      expiration_days = var.lifecycle_days.quarantine
    },
    {
      id                                 = "expire-noncurrent-versions"
      noncurrent_version_expiration_days = var.lifecycle_days.noncurrent_versions
    },
  ]

  cors_rules = [{
    allowed_methods = ["POST"]
    allowed_origins = distinct(concat([local.site_origin], var.cors_allowed_origins))
  }]

  policy_statements = [{
    Sid       = "AllowCloudFrontReadOfServedPrefixes"
    Effect    = "Allow"
    Principal = { Service = "cloudfront.amazonaws.com" }
    Action    = "s3:GetObject"
    Resource  = [for p in local.oac_readable_prefix : "${local.media_bucket_arn}/${p}*"]
    Condition = { StringEquals = { "aws:SourceArn" = module.cdn.distribution_arn } }
  }]

  tags = local.tags
}

module "static_bucket" {
  source = "../bucket"

  name    = "${local.bucket_prefix}-static"
  logging = { target_bucket = module.logs_bucket.id, target_prefix = "s3/static/" }
  lifecycle_rules = [{
    id                                 = "expire-noncurrent-versions"
    noncurrent_version_expiration_days = var.lifecycle_days.noncurrent_versions
  }]
  policy_statements = [{
    Sid       = "AllowCloudFrontRead"
    Effect    = "Allow"
    Principal = { Service = "cloudfront.amazonaws.com" }
    Action    = "s3:GetObject"
    Resource  = "${local.static_bucket_arn}/static/*"
    Condition = { StringEquals = { "aws:SourceArn" = module.cdn.distribution_arn } }
  }]
  tags = local.tags
}

module "deploy_bucket" {
  source = "../bucket"

  name    = "${local.bucket_prefix}-deploy"
  logging = { target_bucket = module.logs_bucket.id, target_prefix = "s3/deploy/" }
  lifecycle_rules = [{
    id                                 = "expire-old-packages"
    expiration_days                    = 30
    noncurrent_version_expiration_days = 7
  }]
  tags = local.tags
}

################################################################################
# Tables
################################################################################

module "tables" {
  source = "../tables"

  name_prefix         = local.name
  definition          = { tables = var.definition.tables }
  deletion_protection = local.deletion_protected
  tags                = local.tags
}

################################################################################
# CloudFront and WAF
################################################################################

module "waf" {
  source    = "../waf"
  providers = { aws = aws.us_east_1 }

  name               = local.name
  rate_limit         = var.waf_rate_limit
  api_public_paths   = var.waf_api_public_paths
  log_retention_days = var.log_retention_days
  tags               = local.tags
}

module "cdn" {
  source = "../cdn"

  name                            = local.name
  app_domain_name                 = var.app_domain_name
  app_origin_path                 = local.app_origin_path
  media_bucket                    = { id = module.media_bucket.id, bucket_regional_domain_name = module.media_bucket.bucket_regional_domain_name }
  static_bucket                   = { id = module.static_bucket.id, bucket_regional_domain_name = module.static_bucket.bucket_regional_domain_name }
  s3_prefixes                     = local.prefixes
  public_key_pem                  = var.cloudfront_public_key_pem
  renditions_signed_urls_required = var.renditions_signed_urls_required
  price_class                     = var.price_class
  aliases                         = var.aliases
  acm_certificate_arn             = var.acm_certificate_arn
  web_acl_arn                     = module.waf.web_acl_arn
  logging_bucket_domain_name      = module.logs_bucket.bucket_domain_name
  logging_prefix                  = "cloudfront/"
  tags                            = local.tags
}

################################################################################
# Lambda execution role (Zappa: manage_roles = false, role_arn = this)
################################################################################

resource "aws_cloudwatch_log_group" "lambda" {
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts at rest with a service key; the app logs no secrets or image data.
  #checkov:skip=CKV_AWS_338:Retention is a variable per environment (log_retention_days); a year of function logs is not a default.
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
  tags              = local.tags
}

resource "aws_iam_role" "this" {
  name        = "${local.name}-lambda"
  description = "Execution role of the Zappa function ${local.function_name}."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = ["lambda.amazonaws.com", "apigateway.amazonaws.com"] }
    }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy" "this" {
  name   = "least-privilege"
  role   = aws_iam_role.this.id
  policy = jsonencode(local.lambda_policy)
}

locals {
  lambda_policy = {
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid      = "WriteOwnLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = "${aws_cloudwatch_log_group.lambda.arn}:*"
        },
        {
          Sid      = "MediaObjects"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectTagging", "s3:PutObjectTagging"]
          Resource = values(local.media_object_arns)
        },
        {
          Sid       = "ListMediaPrefixes"
          Effect    = "Allow"
          Action    = "s3:ListBucket"
          Resource  = module.media_bucket.arn
          Condition = { StringLike = { "s3:prefix" = [for p in values(local.prefixes) : "${p}*"] } }
        },
        {
          Sid      = "ReadStaticManifest"
          Effect   = "Allow"
          Action   = "s3:GetObject"
          Resource = "${module.static_bucket.arn}/static/*"
        },
        {
          Sid    = "Tables"
          Effect = "Allow"
          Action = [
            "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
            "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
            "dynamodb:ConditionCheckItem",
          ]
          Resource = module.tables.table_arns
        },
        {
          Sid      = "ReadSigningKey"
          Effect   = "Allow"
          Action   = "ssm:GetParameter"
          Resource = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter/${trimprefix(local.private_key_param, "/")}"
        },
        {
          # Zappa's API Gateway integration invokes with this role; async tasks invoke the function itself.
          Sid      = "InvokeSelf"
          Effect   = "Allow"
          Action   = "lambda:InvokeFunction"
          Resource = [local.function_arn, "${local.function_arn}:*"]
        },
      ],
      var.media_kms_key_arn == null ? [] : [{
        Sid      = "MediaKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = var.media_kms_key_arn
      }],
      length(var.lambda_sns_publish_topic_arns) == 0 ? [] : [{
        Sid      = "Publish"
        Effect   = "Allow"
        Action   = "sns:Publish"
        Resource = var.lambda_sns_publish_topic_arns
      }],
    )
  }
}

################################################################################
# Event sources: S3 uploads/ or malware-scan findings (the function is Zappa's)
################################################################################

resource "aws_lambda_permission" "s3_uploads" {
  count = local.wire_upload_events ? 1 : 0

  statement_id   = "AllowMediaBucketUploads"
  action         = "lambda:InvokeFunction"
  function_name  = var.lambda_function_arn
  principal      = "s3.amazonaws.com"
  source_arn     = module.media_bucket.arn
  source_account = local.account_id
}

resource "aws_s3_bucket_notification" "media" {
  count = local.wire_upload_events || var.enable_eventbridge_notifications ? 1 : 0

  bucket      = module.media_bucket.id
  eventbridge = var.enable_eventbridge_notifications

  dynamic "lambda_function" {
    for_each = local.wire_upload_events ? [var.lambda_function_arn] : []
    content {
      lambda_function_arn = lambda_function.value
      events              = ["s3:ObjectCreated:*"]
      filter_prefix       = local.prefixes["uploads"]
    }
  }

  depends_on = [aws_lambda_permission.s3_uploads]
}

resource "aws_lambda_permission" "scan_findings" {
  count = local.wire_scan_findings ? 1 : 0

  statement_id  = "AllowMalwareScanFindings"
  action        = "lambda:InvokeFunction"
  function_name = var.lambda_function_arn
  principal     = "sns.amazonaws.com"
  source_arn    = var.malware_findings_topic_arn
}

resource "aws_sns_topic_subscription" "scan_findings" {
  count = local.wire_scan_findings ? 1 : 0

  topic_arn = var.malware_findings_topic_arn
  protocol  = "lambda"
  endpoint  = var.lambda_function_arn

  depends_on = [aws_lambda_permission.scan_findings]
}

################################################################################
# Alarms
################################################################################

module "monitoring" {
  source = "../monitoring"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name                        = local.name
  alarm_email                 = var.alarm_email
  primary_region_is_us_east_1 = local.region == "us-east-1"
  lambda_function_name        = local.function_name
  lambda_timeout_seconds      = var.lambda_timeout_seconds
  api_name                    = local.function_name
  table_names                 = local.table_names
  distribution_id             = module.cdn.distribution_id
  tags                        = local.tags
}
