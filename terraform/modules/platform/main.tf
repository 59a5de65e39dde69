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
  tags               = merge({ Project = var.project, Stage = var.stage, ManagedBy = "terraform" }, var.tags)

  # No data source for the account: offline plans have no STS. The role's ARN carries it.
  account_id = split(":", aws_iam_role.this.arn)[4]
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition

  function_arn        = "arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:${local.function_name}"
  public_origin       = "https://${module.cdn.domain_name}"
  table_names         = [for t in values(var.definition.tables) : "${local.name}-${t.suffix}"]
  media_object_arns   = { for k, p in local.prefixes : k => "${module.media_bucket.arn}/${p}*" }
  oac_readable_prefix = [local.prefixes["renditions"]] # originals/ never: private files use S3 presigned URLs
  media_bucket_arn    = "arn:${local.partition}:s3:::${local.bucket_prefix}-media"
  static_bucket_arn   = "arn:${local.partition}:s3:::${local.bucket_prefix}-static"
  logs_bucket_arn     = "arn:${local.partition}:s3:::${local.bucket_prefix}-logs"

  # The header CloudFront adds to requests for the app, and the secret's values for it.
  origin_verify_header = "X-Origin-Verify"
  health_check_prefix  = "healthz/"

  # Database: the staging default scales to zero, production keeps a small minimum.
  database = merge({
    min_capacity             = var.stage == "production" ? 0.5 : 0
    max_capacity             = var.stage == "production" ? 4 : 1
    seconds_until_auto_pause = 600
    instance_count           = 1
    deletion_protection      = var.stage == "production"
    final_snapshot           = var.stage == "production"
    backup_retention_days    = var.stage == "production" ? 14 : 1
    engine_version           = "16.6"
  }, { for k, v in var.database : k => v if v != null })

  # Aurora PostgreSQL Serverless v2 sets max_connections from the maximum capacity (AWS's
  # table, for the ACU values it lists; any other value counts as the largest listed one
  # below it), capped at 2,000 when the minimum is 0 or 0.5 ACU. See terraform/README.md.
  max_connections_by_acu = { "1" = 189, "4" = 823, "8" = 1669, "16" = 3360, "32" = 5000 }
  database_max_connections = min(
    local.max_connections_by_acu[tostring(max([for k in keys(local.max_connections_by_acu) : tonumber(k) if tonumber(k) <= local.database.max_capacity]...))],
    local.database.min_capacity <= 0.5 ? 2000 : 5000,
  )
  # Each warm function instance holds at most one connection; one recycled by Lambda may
  # linger until PostgreSQL notices (TCP keepalive), so count two per instance, plus room
  # for the admin's psql, `zappa manage migrate` and RDS's own reserved slots.
  database_connection_headroom = 13
  database_connections_needed  = 2 * var.lambda_reserved_concurrency + local.database_connection_headroom
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
  policy_statements = [
    {
      Sid       = "AllowS3ServerAccessLogs"
      Effect    = "Allow"
      Principal = { Service = "logging.s3.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "${local.logs_bucket_arn}/s3/*"
      Condition = {
        ArnLike = {
          "aws:SourceArn" = [
            "arn:${local.partition}:s3:::${local.bucket_prefix}-media",
            "arn:${local.partition}:s3:::${local.bucket_prefix}-static",
            "arn:${local.partition}:s3:::${local.bucket_prefix}-deploy",
          ]
        }
      }
    },
    # VPC flow logs (modules/network) under vpc/.
    {
      Sid       = "AllowVpcFlowLogsAclCheck"
      Effect    = "Allow"
      Principal = { Service = "delivery.logs.amazonaws.com" }
      Action    = ["s3:GetBucketAcl", "s3:ListBucket"]
      Resource  = local.logs_bucket_arn
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    },
    {
      Sid       = "AllowVpcFlowLogsWrite"
      Effect    = "Allow"
      Principal = { Service = "delivery.logs.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "${local.logs_bucket_arn}/vpc/AWSLogs/${local.account_id}/*"
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account_id, "s3:x-amz-acl" = "bucket-owner-full-control" }
        ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:*" }
      }
    },
  ]
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

  # Direct uploads: the browser POSTs a presigned form from the site's pages, and only from them.
  cors_rules = [{
    allowed_methods = ["POST"]
    allowed_origins = [local.public_origin]
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

  name                       = local.name
  app_domain_name            = var.app_domain_name
  app_origin_path            = local.app_origin_path
  media_bucket               = { id = module.media_bucket.id, bucket_regional_domain_name = module.media_bucket.bucket_regional_domain_name }
  static_bucket              = { id = module.static_bucket.id, bucket_regional_domain_name = module.static_bucket.bucket_regional_domain_name }
  s3_prefixes                = local.prefixes
  origin_verify              = { header_name = local.origin_verify_header, value = local.origin_verify_current }
  price_class                = var.price_class
  aliases                    = var.aliases
  acm_certificate_arn        = var.acm_certificate_arn
  web_acl_arn                = module.waf.web_acl_arn
  logging_bucket_domain_name = module.logs_bucket.bucket_domain_name
  logging_prefix             = "cloudfront/"
  tags                       = local.tags
}

################################################################################
# Network: the function joins a private VPC (Zappa vpc_config from the outputs)
################################################################################

module "network" {
  source = "../network"

  name                     = local.name
  cidr_block               = var.vpc_cidr
  availability_zones       = var.availability_zones
  interface_endpoints      = var.interface_endpoints
  interface_endpoint_zones = var.interface_endpoint_zones
  database_port            = 5432
  flow_logs                = true
  # Through the policy output, so the flow log waits for the policy that admits it.
  flow_logs_bucket_arn = module.logs_bucket.policy == null ? null : module.logs_bucket.arn
  flow_logs_prefix     = "vpc/"
  tags                 = local.tags
}

################################################################################
# Django's database: Aurora PostgreSQL Serverless v2 in the private subnets
################################################################################

module "database" {
  source = "../database"

  name                     = local.name
  subnet_ids               = module.network.private_subnet_ids
  security_group_ids       = [module.network.database_security_group_id]
  engine_version           = local.database.engine_version
  database_name            = var.project
  master_username          = var.project
  port                     = 5432
  min_capacity             = local.database.min_capacity
  max_capacity             = local.database.max_capacity
  seconds_until_auto_pause = local.database.seconds_until_auto_pause
  instance_count           = local.database.instance_count
  deletion_protection      = local.database.deletion_protection
  final_snapshot           = local.database.final_snapshot
  backup_retention_days    = local.database.backup_retention_days
  tags                     = local.tags
}

################################################################################
# The app secret (Secrets Manager): Django's key and the origin-verify values.
# Generated once by Secrets Manager itself, then left alone by Terraform
# (ignore_changes): rotation happens in the secret (terraform/README.md).
################################################################################

resource "aws_secretsmanager_secret" "app" {
  #checkov:skip=CKV_AWS_149:Encrypted with the AWS managed aws/secretsmanager key, which needs no key policy or kms:Decrypt grant; a CMK adds cost and nothing the role does not already gate.
  #checkov:skip=CKV2_AWS_57:Rotation is the documented two-value procedure (terraform/README.md): CloudFront and the function must change in step, which a rotation Lambda cannot do.
  name                    = "${local.name}/app"
  description             = "Django secret key and the CloudFront origin-verify values (current, previous) of ${local.name}. JSON."
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = local.tags
}

# These read new random values on every plan once the secret exists; ignore_changes keeps
# the first ones. depends_on defers the read to apply when the secret is being created,
# so a plan without AWS access (scripts/check.sh) never calls the API.
data "aws_secretsmanager_random_password" "django_secret_key" {
  password_length     = 64
  exclude_punctuation = true
  depends_on          = [aws_secretsmanager_secret.app]
}

data "aws_secretsmanager_random_password" "origin_verify" {
  password_length     = 48
  exclude_punctuation = true # a plain token, safe in an HTTP header
  depends_on          = [aws_secretsmanager_secret.app]
}

resource "aws_secretsmanager_secret_version" "app" {
  secret_id = aws_secretsmanager_secret.app.id
  # previous = current until the first rotation: never empty, so an absent header never matches.
  secret_string = jsonencode({
    django_secret_key      = data.aws_secretsmanager_random_password.django_secret_key.random_password
    origin_verify_current  = data.aws_secretsmanager_random_password.origin_verify.random_password
    origin_verify_previous = data.aws_secretsmanager_random_password.origin_verify.random_password
  })

  # A label of its own keeps this version from being deprecated and deleted by Secrets
  # Manager after rotations (two put-secret-value calls strip AWSCURRENT/AWSPREVIOUS);
  # a deleted version would make Terraform create it again and overwrite the rotated
  # values. Rotations move AWSCURRENT away: ignored too.
  version_stages = ["AWSCURRENT", "TERRAFORM_INITIAL"]

  lifecycle {
    ignore_changes = [secret_string, version_stages]
  }
}

# What the secret holds now (after a rotation too): CloudFront sends its current value.
data "aws_secretsmanager_secret_version" "app" {
  secret_id  = aws_secretsmanager_secret.app.id
  depends_on = [aws_secretsmanager_secret_version.app]
}

locals {
  origin_verify_current = jsondecode(data.aws_secretsmanager_secret_version.app.secret_string)["origin_verify_current"]
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
          # Lambda's runtime writes the function's stdout (JSON logs, EMF metrics) here.
          Sid      = "WriteOwnLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = "${aws_cloudwatch_log_group.lambda.arn}:*"
        },
        {
          # gallery.storage put/read/delete_keys of originals and renditions, presigned GET
          # URLs of private files (signed with this role), and the destination of the
          # pipeline's CopyObject uploads/ -> originals/ (s3:PutObject).
          Sid      = "MediaObjects"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
          Resource = [local.media_object_arns["originals"], local.media_object_arns["renditions"]]
        },
        {
          # Direct uploads: the presigned POST the browser sends to uploads/<id>/upload is
          # s3:PutObject of this role; HeadObject/GetObject (size and bytes checked after
          # upload; the source of CopyObject to originals/ or quarantine/); DeleteObject
          # (cleaned after processing or refusal).
          Sid      = "DirectUploads"
          Effect   = "Allow"
          Action   = ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]
          Resource = local.media_object_arns["uploads"]
        },
        {
          # Infected files: PutObject (and the destination of CopyObject from uploads/),
          # DeleteObject when the image is removed. Never read back by the app (never
          # served); the lifecycle rule expires them after lifecycle_days.quarantine.
          Sid      = "Quarantine"
          Effect   = "Allow"
          Action   = ["s3:PutObject", "s3:DeleteObject"]
          Resource = local.media_object_arns["quarantine"]
        },
        {
          # gallery.storage.list_keys (deleting an image lists originals/<id>/, renditions/<id>/).
          Sid       = "ListMediaPrefixes"
          Effect    = "Allow"
          Action    = "s3:ListBucket"
          Resource  = module.media_bucket.arn
          Condition = { StringLike = { "s3:prefix" = [for p in values(local.prefixes) : "${p}*"] } }
        },
        {
          # PynamoDB models of gallery and shortlinks: GetItem/PutItem/UpdateItem/DeleteItem
          # (services, /healthz), Query (the indexes: galleries, queues, links, repair's
          # attention index), Scan (only manage.py repair and its daily schedule, never a
          # request). Tables are made by Terraform: no DescribeTable/CreateTable here.
          Sid    = "Tables"
          Effect = "Allow"
          Action = [
            "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan",
            "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
          ]
          Resource = module.tables.table_arns
        },
        {
          # gallery.storage.bucket_reachable (/healthz): list_objects_v2(Bucket=GALLERY_BUCKET,
          # Prefix="healthz/", MaxKeys=1). Nothing is stored there, so it lists nothing.
          # (HeadBucket would need ListBucket without a prefix, i.e. the whole bucket.)
          Sid       = "HealthCheckListing"
          Effect    = "Allow"
          Action    = "s3:ListBucket"
          Resource  = module.media_bucket.arn
          Condition = { StringEquals = { "s3:prefix" = local.health_check_prefix } }
        },
        {
          # imageplatform.secrets.secret_json at cold start: GetSecretValue(APP_SECRET_ARN)
          # (Django key, origin-verify values) and GetSecretValue(DATABASE_SECRET_ARN)
          # (the password RDS manages). Exactly these two secrets.
          Sid      = "ReadOwnSecrets"
          Effect   = "Allow"
          Action   = "secretsmanager:GetSecretValue"
          Resource = [aws_secretsmanager_secret.app.arn, module.database.secret_arn]
        },
        {
          # Lambda (not the app) creates the function's network interfaces in the private
          # subnets with this role: only there, and only with the function's group.
          Sid    = "VpcNetworkInterfacesCreate"
          Effect = "Allow"
          Action = "ec2:CreateNetworkInterface"
          Resource = concat(
            ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:network-interface/*"],
            [for id in module.network.private_subnet_ids : "arn:${local.partition}:ec2:${local.region}:${local.account_id}:subnet/${id}"],
            ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:security-group/${module.network.function_security_group_id}"],
          )
        },
        {
          # Lambda manages (removes, re-addresses) those interfaces; they have no names to
          # scope by beyond this account and region.
          Sid      = "VpcNetworkInterfacesManage"
          Effect   = "Allow"
          Action   = ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
          Resource = "arn:${local.partition}:ec2:${local.region}:${local.account_id}:network-interface/*"
        },
        {
          # Lambda looks the interfaces and subnets up; EC2's Describe calls have no
          # resource-level permissions, so "*" is the only accepted resource.
          Sid      = "VpcNetworkInterfacesDescribe"
          Effect   = "Allow"
          Action   = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"]
          Resource = "*"
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
      local.findings_queue ? [{
        # Lambda's event source mapping (Zappa's SQS event, as the role) receives the
        # scanner's findings from the findings queue and deletes them once handled.
        Sid      = "ReceiveScanFindings"
        Effect   = "Allow"
        Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
        Resource = aws_sqs_queue.scan_findings[0].arn
      }] : [],
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
# Event sources of the Zappa function: none here. Zappa owns them (zappa_settings.json
# "events": the media bucket's s3:ObjectCreated:* under uploads/, and the scan-findings
# queue when a scanner publishes findings), from the outputs gallery_bucket_arn and
# malware_findings_queue_arn. A bucket notification declared here would overwrite Zappa's
# on every apply, and `zappa update` deletes every EventBridge rule that targets the
# function and every events.amazonaws.com permission on it; so the scanners' findings
# reach the function through a Terraform-owned queue (scanning.tf), never directly.
# scripts/plan_guard.py fails the check if a notification, a Lambda permission or a
# subscription of the function appears.
################################################################################

################################################################################
# Takedowns: the CDN invalidator outside the VPC, fed by the invalidations table's stream
################################################################################

module "invalidator" {
  source = "../invalidator"

  name               = local.name
  distribution_id    = module.cdn.distribution_id
  distribution_arn   = module.cdn.distribution_arn
  table_name         = module.tables.table_names_by_setting["PLATFORM_INVALIDATIONS_TABLE"]
  table_arn          = module.tables.tables["invalidations"].arn
  stream_arn         = module.tables.stream_arns["invalidations"]
  log_retention_days = var.log_retention_days
  alarm_topic_arn    = module.monitoring.topic_arn
  tags               = local.tags
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
  database                    = { cluster_identifier = module.database.cluster_identifier, max_connections = local.database_max_connections }
  tags                        = local.tags
}
