################################################################################
# Malware scanning of direct uploads (var.scanner; docs/scanning.md for the app's side)
#
#   none       nothing here
#   clamd      a ClamAV daemon the function reaches in the VPC (var.clamd_url); run and
#              updated outside this stack, so no resources here either
#   bucketav   BucketAV (deployed by its vendor's stack) publishes one finding per object
#              to an SNS topic: the vendor's (malware_findings_topic_arn) or ours, which
#              only the scanner's role may publish to (bucketav_publisher_role_arn)
#   guardduty  GuardDuty Malware Protection for S3 scans uploads/ and sends one
#              EventBridge event per object
#
# Findings reach the function through an SQS queue that Terraform owns (SNS subscription
# filtered to the media bucket's uploads/, or the EventBridge rule), and Zappa's SQS event
# source (zappa_settings.json events, from output malware_findings_queue_arn). Not
# directly: Zappa routes an SNS record only when the topic is in its own events list,
# which makes Zappa subscribe (and on every update unsubscribe and resubscribe) the
# function, unfiltered; and `zappa update` deletes every EventBridge rule targeting the
# function. Messages that keep failing go to a dead-letter queue, which raises an alarm.
################################################################################

locals {
  media_bucket_name  = "${local.bucket_prefix}-media"
  bucketav           = var.scanner == "bucketav"
  guardduty          = var.scanner == "guardduty"
  findings_queue     = local.bucketav || local.guardduty
  own_findings_topic = local.bucketav && var.malware_findings_topic_arn == null
  findings_topic_arn = !local.bucketav ? null : (
    local.own_findings_topic ? aws_sns_topic.findings[0].arn : var.malware_findings_topic_arn
  )

  # Only findings about our bucket's direct uploads (BucketAV's message is JSON with
  # "bucket" and "key"; docs/scanning.md).
  findings_filter_policy = {
    bucket = [local.media_bucket_name]
    key    = [{ prefix = local.prefixes["uploads"] }]
  }

  guardduty_detail_type = "GuardDuty Malware Protection Object Scan Result"
  guardduty_event_pattern = {
    source        = ["aws.guardduty"]
    "detail-type" = [local.guardduty_detail_type]
    detail = {
      s3ObjectDetails = {
        bucketName = [local.media_bucket_name]
        objectKey  = [{ prefix = local.prefixes["uploads"] }]
      }
    }
  }
}

################################################################################
# The findings queue and its dead-letter queue (both scanners)
################################################################################

resource "aws_sqs_queue" "scan_findings_dlq" {
  count = local.findings_queue ? 1 : 0

  name                      = "${local.name}-scan-findings-dlq"
  sqs_managed_sse_enabled   = true
  message_retention_seconds = 1209600 # 14 days to look at findings nobody could apply
  tags                      = local.tags
}

resource "aws_sqs_queue" "scan_findings" {
  count = local.findings_queue ? 1 : 0

  name                    = "${local.name}-scan-findings"
  sqs_managed_sse_enabled = true
  # Lambda's SQS event source wants at least six times the function's timeout.
  visibility_timeout_seconds = 6 * var.lambda_timeout_seconds
  message_retention_seconds  = 345600 # 4 days
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.scan_findings_dlq[0].arn
    maxReceiveCount     = var.scan_findings_max_receives
  })
  tags = local.tags
}

resource "aws_sqs_queue_policy" "scan_findings" {
  count = local.findings_queue ? 1 : 0

  queue_url = aws_sqs_queue.scan_findings[0].url
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      local.bucketav ? [{
        Sid       = "FindingsTopicDelivers"
        Effect    = "Allow"
        Principal = { Service = "sns.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = aws_sqs_queue.scan_findings[0].arn
        Condition = { ArnEquals = { "aws:SourceArn" = local.findings_topic_arn } }
      }] : [],
      local.guardduty ? [{
        Sid       = "ScanResultRuleDelivers"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = aws_sqs_queue.scan_findings[0].arn
        Condition = { ArnEquals = { "aws:SourceArn" = aws_cloudwatch_event_rule.scan_results[0].arn } }
      }] : [],
    )
  })
}

resource "aws_cloudwatch_metric_alarm" "scan_findings_dlq" {
  count = local.findings_queue ? 1 : 0

  alarm_name          = "${local.name}-scan-findings-dead-letters"
  alarm_description   = "Scan findings the function could not apply after ${var.scan_findings_max_receives} attempts (the images stay pending; see the dead-letter queue)."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.scan_findings_dlq[0].name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [module.monitoring.topic_arn]
  ok_actions          = [module.monitoring.topic_arn]
  tags                = local.tags
}

################################################################################
# BucketAV: its findings topic (ours unless the vendor's is given) -> the queue
################################################################################

resource "aws_sns_topic" "findings" {
  count = local.own_findings_topic ? 1 : 0

  name              = "${local.name}-malware-findings"
  kms_master_key_id = "alias/aws/sns"
  tags              = local.tags
}

resource "aws_sns_topic_policy" "findings" {
  count = local.own_findings_topic ? 1 : 0

  arn = aws_sns_topic.findings[0].arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # The scanner publishes its findings; nobody else (next statement).
        Sid       = "ScannerPublishes"
        Effect    = "Allow"
        Principal = { AWS = var.bucketav_publisher_role_arn }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.findings[0].arn
      },
      {
        # Zappa runs the function an SNS message names in a "command" field, and a forged
        # "clean" finding would let a file through: no other principal of this account
        # (administrators included) may publish here.
        Sid       = "OnlyTheScannerPublishes"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.findings[0].arn
        Condition = { ArnNotEquals = { "aws:PrincipalArn" = var.bucketav_publisher_role_arn } }
      },
      {
        # The account manages the topic and its subscriptions (Terraform, operators).
        Sid       = "OwnerManages"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action = [
          "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:DeleteTopic",
          "sns:Subscribe", "sns:ListSubscriptionsByTopic",
        ]
        Resource = aws_sns_topic.findings[0].arn
      },
    ]
  })
}

resource "aws_sns_topic_subscription" "findings" {
  count = local.bucketav ? 1 : 0

  topic_arn            = local.findings_topic_arn
  protocol             = "sqs"
  endpoint             = aws_sqs_queue.scan_findings[0].arn
  raw_message_delivery = false # the SNS envelope (TopicArn, Message) reaches the app
  filter_policy_scope  = "MessageBody"
  filter_policy        = jsonencode(local.findings_filter_policy)

  depends_on = [aws_sqs_queue_policy.scan_findings]
}

################################################################################
# GuardDuty Malware Protection for S3 on uploads/ -> EventBridge -> the queue
################################################################################

resource "aws_iam_role" "guardduty_malware_protection" {
  count = local.guardduty ? 1 : 0

  name        = "${local.name}-guardduty-malware-protection"
  description = "Lets GuardDuty Malware Protection for S3 scan (and tag) direct uploads in ${local.media_bucket_name}."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "malware-protection-plan.guardduty.amazonaws.com" }
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
  tags = local.tags
}

# The policy AWS documents for the plan's role (GuardDuty User Guide, "Create or update
# IAM role policy"), for this bucket.
resource "aws_iam_role_policy" "guardduty_malware_protection" {
  count = local.guardduty ? 1 : 0

  name = "malware-protection-plan"
  role = aws_iam_role.guardduty_malware_protection[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid       = "AllowManagedRuleToSendS3EventsToGuardDuty"
        Effect    = "Allow"
        Action    = ["events:PutRule", "events:DeleteRule", "events:PutTargets", "events:RemoveTargets"]
        Resource  = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*"
        Condition = { StringLike = { "events:ManagedBy" = "malware-protection-plan.guardduty.amazonaws.com" } }
      },
      {
        Sid      = "AllowGuardDutyToMonitorEventBridgeManagedRule"
        Effect   = "Allow"
        Action   = ["events:DescribeRule", "events:ListTargetsByRule"]
        Resource = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*"
      },
      {
        Sid      = "AllowPostScanTag"
        Effect   = "Allow"
        Action   = ["s3:PutObjectTagging", "s3:GetObjectTagging", "s3:PutObjectVersionTagging", "s3:GetObjectVersionTagging"]
        Resource = "${local.media_bucket_arn}/*"
      },
      {
        Sid      = "AllowEnableS3EventBridgeEvents"
        Effect   = "Allow"
        Action   = ["s3:PutBucketNotification", "s3:GetBucketNotification"]
        Resource = local.media_bucket_arn
      },
      {
        Sid      = "AllowPutValidationObject"
        Effect   = "Allow"
        Action   = "s3:PutObject"
        Resource = "${local.media_bucket_arn}/malware-protection-resource-validation-object"
      },
      {
        Sid      = "AllowCheckBucketOwnership"
        Effect   = "Allow"
        Action   = "s3:ListBucket"
        Resource = local.media_bucket_arn
      },
      {
        Sid      = "AllowMalwareScan"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectVersion"]
        Resource = "${local.media_bucket_arn}/*"
      },
      ], var.media_kms_key_arn == null ? [] : [{
        Sid       = "AllowDecryptForMalwareScan"
        Effect    = "Allow"
        Action    = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource  = var.media_kms_key_arn
        Condition = { StringLike = { "kms:ViaService" = "s3.${local.region}.amazonaws.com" } }
    }])
  })
}

resource "aws_guardduty_malware_protection_plan" "this" {
  count = local.guardduty ? 1 : 0

  role = aws_iam_role.guardduty_malware_protection[0].arn

  protected_resource {
    s3_bucket {
      bucket_name     = module.media_bucket.id
      object_prefixes = [local.prefixes["uploads"]]
    }
  }

  actions {
    tagging {
      status = "ENABLED" # GuardDutyMalwareScanStatus on the object, for operators
    }
  }

  tags       = local.tags
  depends_on = [aws_iam_role_policy.guardduty_malware_protection]
}

resource "aws_cloudwatch_event_rule" "scan_results" {
  count = local.guardduty ? 1 : 0

  name          = "${local.name}-guardduty-scan-results"
  description   = "GuardDuty's malware scan results for direct uploads in ${local.media_bucket_name}, to the findings queue."
  event_pattern = jsonencode(local.guardduty_event_pattern)
  tags          = local.tags
}

resource "aws_cloudwatch_event_target" "scan_results" {
  count = local.guardduty ? 1 : 0

  rule      = aws_cloudwatch_event_rule.scan_results[0].name
  target_id = "scan-findings-queue"
  arn       = aws_sqs_queue.scan_findings[0].arn
}
