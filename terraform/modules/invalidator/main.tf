################################################################################
# Takedown CDN invalidation outside the VPC (invalidator/handler.py).
#
# The web function sits in a VPC without NAT and cannot reach CloudFront's API. It puts
# an item in the invalidations table; the table's stream feeds this function, which is
# NOT in the VPC, calls CreateInvalidation on the one distribution and writes the outcome
# back on the item. Batches that keep failing (throttling, CloudFront 5xx) are bisected,
# retried, and finally described in an encrypted SQS queue (alarmed).
################################################################################

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  function_name = "${var.name}-invalidator"
  # The package is built by invalidator/build.py and committed beside this module
  # (reproducible zip of handler.py): only the AWS provider is available offline, so no
  # archive_file. fileexists: copies of terraform/ without it still plan (offline checks).
  package = "${path.module}/invalidator.zip"

  # Lambda's account id, from the role's ARN (offline plans have no STS).
  account_id = split(":", aws_iam_role.this.arn)[4]
  log_group  = "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.name}:${local.account_id}:log-group:/aws/lambda/${local.function_name}"

  policy = {
    Version = "2012-10-17"
    Statement = [
      {
        # handler.invalidate: CreateInvalidation on this distribution, nothing else.
        Sid      = "InvalidateOwnDistribution"
        Effect   = "Allow"
        Action   = "cloudfront:CreateInvalidation"
        Resource = var.distribution_arn
      },
      {
        # handler._record_outcome: UpdateItem (conditional) of the request's item.
        Sid      = "RecordOutcome"
        Effect   = "Allow"
        Action   = "dynamodb:UpdateItem"
        Resource = var.table_arn
      },
      {
        # Lambda's event source mapping reads the table's stream with this role.
        Sid      = "ReadRequestStream"
        Effect   = "Allow"
        Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"]
        Resource = var.stream_arn
      },
      {
        # Lambda's on-failure destination: what is given up on goes to the failure queue.
        Sid      = "ReportGivenUpRecords"
        Effect   = "Allow"
        Action   = "sqs:SendMessage"
        Resource = aws_sqs_queue.failures.arn
      },
      {
        # Lambda's runtime writes the function's log lines.
        Sid      = "WriteOwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.this.arn}:*"
      },
    ]
  }
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts at rest with a service key; the function logs ids and counts only.
  #checkov:skip=CKV_AWS_338:Retention is a variable per environment (log_retention_days); a year of logs is not a default.
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_iam_role" "this" {
  name        = local.function_name
  description = "Execution role of ${local.function_name}: invalidates the platform's CloudFront distribution for takedowns."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = "least-privilege"
  role   = aws_iam_role.this.id
  policy = jsonencode(local.policy)
}

resource "aws_sqs_queue" "failures" {
  name                      = "${local.function_name}-failures"
  sqs_managed_sse_enabled   = true
  message_retention_seconds = 1209600 # 14 days to look at what was given up on
  tags                      = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:Deliberately outside the VPC: CloudFront's API has no VPC endpoint and the VPC has no NAT (terraform/README.md). The function reaches nothing but CloudFront and its table.
  #checkov:skip=CKV_AWS_116:Invoked synchronously by the stream's event source mapping, whose on-failure destination is the encrypted failure queue; a function DLQ only applies to asynchronous invocations.
  #checkov:skip=CKV_AWS_173:The environment holds a distribution id and a table name, no secret; the AWS managed key encrypts it.
  #checkov:skip=CKV_AWS_50:X-Ray would add permissions and cost for two API calls per request; logs carry the request id and outcome.
  #checkov:skip=CKV_AWS_272:The package is built reproducibly from reviewed source in this repository (invalidator/build.py, checked by a test); no signing profile exists for it.
  function_name                  = local.function_name
  description                    = "Takedowns: CloudFront invalidations requested through the invalidations table's stream."
  role                           = aws_iam_role.this.arn
  filename                       = local.package
  source_code_hash               = fileexists(local.package) ? filebase64sha256(local.package) : null
  handler                        = "handler.handler"
  runtime                        = var.runtime
  architectures                  = ["arm64"]
  memory_size                    = var.memory_mb
  timeout                        = var.timeout_seconds
  reserved_concurrent_executions = var.reserved_concurrency

  environment {
    variables = {
      DISTRIBUTION_ID              = var.distribution_id
      PLATFORM_INVALIDATIONS_TABLE = var.table_name
    }
  }

  tags       = var.tags
  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]
}

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn                   = var.stream_arn
  function_name                      = aws_lambda_function.this.arn
  starting_position                  = "TRIM_HORIZON"
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = 0
  bisect_batch_on_function_error     = true
  maximum_retry_attempts             = var.maximum_retry_attempts
  maximum_record_age_in_seconds      = var.maximum_record_age_seconds

  # Only new requests: the function's own updates (MODIFY) and expiries (REMOVE) never
  # invoke it.
  filter_criteria {
    filter {
      pattern = jsonencode({
        eventName = ["INSERT"]
        dynamodb  = { NewImage = { status = { S = ["requested"] } } }
      })
    }
  }

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.failures.arn
    }
  }

  depends_on = [aws_iam_role_policy.this]
}

################################################################################
# Alarms: the function failed, or a request was given up on.
################################################################################

resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "${local.function_name}-errors"
  alarm_description   = "The takedown invalidator raised errors (CloudFront throttling or 5xx: retried)."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = local.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_topic_arn == null ? [] : [var.alarm_topic_arn]
  ok_actions          = var.alarm_topic_arn == null ? [] : [var.alarm_topic_arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "given_up" {
  alarm_name          = "${local.function_name}-given-up"
  alarm_description   = "Takedown invalidations were given up on (see the failure queue; the items stay \"requested\")."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.failures.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_topic_arn == null ? [] : [var.alarm_topic_arn]
  ok_actions          = var.alarm_topic_arn == null ? [] : [var.alarm_topic_arn]
  tags                = var.tags
}
