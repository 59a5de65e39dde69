locals {
  topic_arn        = aws_sns_topic.this.arn
  global_topic_arn = var.primary_region_is_us_east_1 ? aws_sns_topic.this.arn : aws_sns_topic.us_east_1[0].arn
}

################################################################################
# Topics and subscription
################################################################################

resource "aws_sns_topic" "this" {
  #checkov:skip=CKV_AWS_26:Alarm notifications carry no user data, and CloudWatch cannot publish to a topic encrypted with the AWS managed SNS key.
  name = "${var.name}-alarms"
  tags = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

resource "aws_sns_topic" "us_east_1" {
  #checkov:skip=CKV_AWS_26:Alarm notifications carry no user data, and CloudWatch cannot publish to a topic encrypted with the AWS managed SNS key.
  count    = var.primary_region_is_us_east_1 ? 0 : 1
  provider = aws.us_east_1

  name = "${var.name}-alarms-global"
  tags = var.tags
}

resource "aws_sns_topic_subscription" "us_east_1_email" {
  count    = !var.primary_region_is_us_east_1 && var.alarm_email != null ? 1 : 0
  provider = aws.us_east_1

  topic_arn = aws_sns_topic.us_east_1[0].arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

################################################################################
# Lambda
################################################################################

resource "aws_cloudwatch_metric_alarm" "lambda_errors" {
  alarm_name          = "${var.name}-lambda-errors"
  alarm_description   = "The function ${var.lambda_function_name} raised errors."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = var.lambda_function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = var.lambda_errors_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.topic_arn]
  ok_actions          = [local.topic_arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "lambda_duration" {
  alarm_name          = "${var.name}-lambda-duration"
  alarm_description   = "The function ${var.lambda_function_name} ran close to its ${var.lambda_timeout_seconds}s timeout."
  namespace           = "AWS/Lambda"
  metric_name         = "Duration"
  dimensions          = { FunctionName = var.lambda_function_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = floor(var.lambda_timeout_seconds * 1000 * var.duration_alarm_ratio)
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.topic_arn]
  ok_actions          = [local.topic_arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "lambda_throttles" {
  alarm_name          = "${var.name}-lambda-throttles"
  alarm_description   = "Invocations of ${var.lambda_function_name} were throttled (concurrency limit)."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = var.lambda_function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.topic_arn]
  ok_actions          = [local.topic_arn]
  tags                = var.tags
}

################################################################################
# API Gateway
################################################################################

# 5XXError is 0 or 1 per request, so its average over a period is the 5xx rate.
resource "aws_cloudwatch_metric_alarm" "api_5xx_rate" {
  alarm_name          = "${var.name}-api-5xx-rate"
  alarm_description   = "More than ${var.api_5xx_rate_threshold * 100}% of requests to API ${var.api_name} ended in 5xx."
  namespace           = "AWS/ApiGateway"
  metric_name         = "5XXError"
  dimensions          = { ApiName = var.api_name }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.api_5xx_rate_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.topic_arn]
  ok_actions          = [local.topic_arn]
  tags                = var.tags
}

################################################################################
# DynamoDB
################################################################################

resource "aws_cloudwatch_metric_alarm" "dynamodb_throttles" {
  for_each = toset(var.table_names)

  alarm_name          = "${each.value}-throttles"
  alarm_description   = "Reads or writes on table ${each.value} were throttled."
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.topic_arn]
  ok_actions          = [local.topic_arn]
  tags                = var.tags

  metric_query {
    id          = "throttles"
    expression  = "reads + writes"
    label       = "Throttled reads and writes"
    return_data = true
  }

  metric_query {
    id = "reads"
    metric {
      namespace   = "AWS/DynamoDB"
      metric_name = "ReadThrottleEvents"
      dimensions  = { TableName = each.value }
      stat        = "Sum"
      period      = 300
    }
  }

  metric_query {
    id = "writes"
    metric {
      namespace   = "AWS/DynamoDB"
      metric_name = "WriteThrottleEvents"
      dimensions  = { TableName = each.value }
      stat        = "Sum"
      period      = 300
    }
  }
}

################################################################################
# Database: connections close to Aurora's max_connections (the concurrency cap failed,
# or connections leak)
################################################################################

resource "aws_cloudwatch_metric_alarm" "database_connections" {
  count = var.database == null ? 0 : 1

  alarm_name          = "${var.name}-database-connections"
  alarm_description   = "The Aurora cluster holds more than ${var.database_connections_alarm_ratio * 100}% of its ${var.database.max_connections} connections."
  namespace           = "AWS/RDS"
  metric_name         = "DatabaseConnections"
  dimensions          = { DBClusterIdentifier = var.database.cluster_identifier }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = floor(var.database.max_connections * var.database_connections_alarm_ratio)
  treat_missing_data  = "notBreaching" # a paused cluster sends nothing
  alarm_actions       = [local.topic_arn]
  ok_actions          = [local.topic_arn]
  tags                = var.tags
}

################################################################################
# CloudFront (its metrics live in us-east-1)
################################################################################

resource "aws_cloudwatch_metric_alarm" "cloudfront_5xx_rate" {
  provider = aws.us_east_1

  alarm_name          = "${var.name}-cloudfront-5xx-rate"
  alarm_description   = "More than ${var.cloudfront_5xx_rate_threshold}% of CloudFront responses were 5xx."
  namespace           = "AWS/CloudFront"
  metric_name         = "5xxErrorRate"
  dimensions          = { DistributionId = var.distribution_id, Region = "Global" }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.cloudfront_5xx_rate_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.global_topic_arn]
  ok_actions          = [local.global_topic_arn]
  tags                = var.tags
}
