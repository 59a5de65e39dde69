# Malware scanners (scanning.tf): the findings reach the function through a queue that
# only our bucket's findings, from the one allowed publisher, can enter.
mock_provider "aws" {
  source = "../../tests/mocks"
}

mock_provider "aws" {
  alias  = "us_east_1"
  source = "../../tests/mocks"
}

variables {
  stage           = "staging"
  definition      = jsondecode(file("../../../imageplatform/dynamodb.json"))
  app_domain_name = "abc123.execute-api.us-east-1.amazonaws.com"
}

override_resource {
  target = aws_sns_topic.findings
  values = { arn = "arn:aws:sns:us-east-1:123456789012:imageplatform-staging-malware-findings" }
}

override_resource {
  target = aws_sqs_queue.scan_findings
  values = {
    arn = "arn:aws:sqs:us-east-1:123456789012:imageplatform-staging-scan-findings"
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/imageplatform-staging-scan-findings"
  }
}

override_resource {
  target = aws_cloudwatch_event_rule.scan_results
  values = { arn = "arn:aws:events:us-east-1:123456789012:rule/imageplatform-staging-guardduty-scan-results" }
}

run "bucketav_with_our_topic" {
  command = apply

  variables {
    scanner                     = "bucketav"
    bucketav_publisher_role_arn = "arn:aws:iam::123456789012:role/bucketav-ScanFleetRole"
  }

  # The subscription passes only findings about our media bucket's direct uploads.
  assert {
    condition = (
      aws_sns_topic_subscription.findings[0].topic_arn == "arn:aws:sns:us-east-1:123456789012:imageplatform-staging-malware-findings" &&
      aws_sns_topic_subscription.findings[0].protocol == "sqs" &&
      aws_sns_topic_subscription.findings[0].endpoint == "arn:aws:sqs:us-east-1:123456789012:imageplatform-staging-scan-findings" &&
      aws_sns_topic_subscription.findings[0].filter_policy_scope == "MessageBody" &&
      jsondecode(aws_sns_topic_subscription.findings[0].filter_policy) == {
        bucket = ["imageplatform-staging-media"]
        key    = [{ prefix = "uploads/" }]
      }
    )
    error_message = "The findings subscription (to the findings queue) filters the message body on our media bucket and uploads/."
  }

  # Only BucketAV's role publishes: the one Allow for sns:Publish names it, and a Deny
  # covers every other principal.
  assert {
    condition = (
      [for st in jsondecode(aws_sns_topic_policy.findings[0].policy).Statement : st.Principal if st.Effect == "Allow" && contains(flatten([st.Action]), "sns:Publish")] == [{ AWS = "arn:aws:iam::123456789012:role/bucketav-ScanFleetRole" }] &&
      length([for st in jsondecode(aws_sns_topic_policy.findings[0].policy).Statement : st if st.Effect == "Allow" && anytrue([for a in flatten([st.Action]) : a == "sns:*" || a == "*"])]) == 0 &&
      one([for st in jsondecode(aws_sns_topic_policy.findings[0].policy).Statement : st if st.Effect == "Deny"]).Condition == {
        ArnNotEquals = { "aws:PrincipalArn" = "arn:aws:iam::123456789012:role/bucketav-ScanFleetRole" }
      } &&
      one([for st in jsondecode(aws_sns_topic_policy.findings[0].policy).Statement : st if st.Effect == "Deny"]).Action == "sns:Publish" &&
      one([for st in jsondecode(aws_sns_topic_policy.findings[0].policy).Statement : st if st.Effect == "Deny"]).Principal == { AWS = "*" }
    )
    error_message = "Only the BucketAV scanner's role may publish to the findings topic; everyone else is denied."
  }

  assert {
    condition     = aws_sns_topic.findings[0].kms_master_key_id != null && aws_sqs_queue.scan_findings[0].sqs_managed_sse_enabled && aws_sqs_queue.scan_findings_dlq[0].sqs_managed_sse_enabled
    error_message = "Topic and queues are encrypted."
  }

  # The queue accepts the topic's deliveries only; the function reads it through Zappa's SQS event.
  assert {
    condition = (
      one(jsondecode(aws_sqs_queue_policy.scan_findings[0].policy).Statement).Principal == { Service = "sns.amazonaws.com" } &&
      one(jsondecode(aws_sqs_queue_policy.scan_findings[0].policy).Statement).Condition == { ArnEquals = { "aws:SourceArn" = "arn:aws:sns:us-east-1:123456789012:imageplatform-staging-malware-findings" } } &&
      jsondecode(aws_sqs_queue.scan_findings[0].redrive_policy).maxReceiveCount == 5 &&
      aws_sqs_queue.scan_findings[0].visibility_timeout_seconds >= 6 * var.lambda_timeout_seconds
    )
    error_message = "Only the findings topic delivers to the queue; failures end in the dead-letter queue."
  }

  assert {
    condition = (
      one([for st in local.lambda_policy.Statement : st.Resource if st.Sid == "ReceiveScanFindings"]) == "arn:aws:sqs:us-east-1:123456789012:imageplatform-staging-scan-findings" &&
      toset(one([for st in local.lambda_policy.Statement : st.Action if st.Sid == "ReceiveScanFindings"])) == toset(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"])
    )
    error_message = "The function's role reads and deletes findings from that queue only."
  }

  assert {
    condition = (
      output.scanner == "bucketav" && output.lambda_environment.GALLERY_SCANNER == "bucketav" &&
      output.malware_findings_queue_arn == "arn:aws:sqs:us-east-1:123456789012:imageplatform-staging-scan-findings" &&
      output.malware_findings_topic_arn == "arn:aws:sns:us-east-1:123456789012:imageplatform-staging-malware-findings" &&
      contains(output.alarm_names, "imageplatform-staging-scan-findings-dead-letters") &&
      length(aws_guardduty_malware_protection_plan.this) == 0
    )
    error_message = "The outputs hand Zappa the findings queue and the app its scanner."
  }
}

run "bucketav_with_the_vendors_topic" {
  command = plan

  variables {
    scanner                    = "bucketav"
    malware_findings_topic_arn = "arn:aws:sns:us-east-1:123456789012:bucketav-FindingsTopic-EXAMPLE"
  }

  assert {
    condition = (
      length(aws_sns_topic.findings) == 0 && length(aws_sns_topic_policy.findings) == 0 &&
      aws_sns_topic_subscription.findings[0].topic_arn == var.malware_findings_topic_arn &&
      jsondecode(aws_sns_topic_subscription.findings[0].filter_policy).bucket == ["imageplatform-staging-media"] &&
      output.malware_findings_topic_arn == var.malware_findings_topic_arn
    )
    error_message = "With BucketAV's own topic, its policy stays the vendor's and our queue subscribes to it, filtered to our bucket."
  }
}

run "guardduty" {
  command = apply

  variables {
    scanner = "guardduty"
  }

  assert {
    condition = (
      one(one(aws_guardduty_malware_protection_plan.this[0].protected_resource).s3_bucket).object_prefixes == toset(["uploads/"]) &&
      one(one(aws_guardduty_malware_protection_plan.this[0].protected_resource).s3_bucket).bucket_name == module.media_bucket.id &&
      aws_guardduty_malware_protection_plan.this[0].role == aws_iam_role.guardduty_malware_protection[0].arn
    )
    error_message = "GuardDuty Malware Protection scans the media bucket's uploads/ only, with its own role."
  }

  assert {
    condition = (
      jsondecode(aws_iam_role.guardduty_malware_protection[0].assume_role_policy).Statement[0].Principal == { Service = "malware-protection-plan.guardduty.amazonaws.com" } &&
      toset([for st in jsondecode(aws_iam_role_policy.guardduty_malware_protection[0].policy).Statement : st.Sid]) == toset([
        "AllowManagedRuleToSendS3EventsToGuardDuty", "AllowGuardDutyToMonitorEventBridgeManagedRule", "AllowPostScanTag",
        "AllowEnableS3EventBridgeEvents", "AllowPutValidationObject", "AllowCheckBucketOwnership", "AllowMalwareScan",
      ]) &&
      alltrue([for st in jsondecode(aws_iam_role_policy.guardduty_malware_protection[0].policy).Statement : alltrue([for r in flatten([st.Resource]) : strcontains(r, "imageplatform-staging-media") || strcontains(r, "DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3")])])
    )
    error_message = "The plan's role has AWS's documented policy, scoped to the media bucket and GuardDuty's managed rule."
  }

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.scan_results[0].event_pattern) == {
      source        = ["aws.guardduty"]
      "detail-type" = ["GuardDuty Malware Protection Object Scan Result"]
      detail        = { s3ObjectDetails = { bucketName = ["imageplatform-staging-media"], objectKey = [{ prefix = "uploads/" }] } }
    }
    error_message = "The EventBridge rule takes GuardDuty's scan results for our bucket's uploads/ only."
  }

  assert {
    condition = (
      aws_cloudwatch_event_target.scan_results[0].arn == "arn:aws:sqs:us-east-1:123456789012:imageplatform-staging-scan-findings" &&
      one(jsondecode(aws_sqs_queue_policy.scan_findings[0].policy).Statement).Principal == { Service = "events.amazonaws.com" } &&
      one(jsondecode(aws_sqs_queue_policy.scan_findings[0].policy).Statement).Condition == { ArnEquals = { "aws:SourceArn" = "arn:aws:events:us-east-1:123456789012:rule/imageplatform-staging-guardduty-scan-results" } }
    )
    error_message = "The rule's target is the findings queue, which accepts that rule's events only (never the function: zappa update deletes rules that target it)."
  }

  assert {
    condition     = output.lambda_environment.GALLERY_SCANNER == "guardduty" && length(aws_sns_topic_subscription.findings) == 0 && output.malware_findings_topic_arn == null && output.guardduty_malware_protection_plan_arn != null
    error_message = "No SNS topic with GuardDuty; the app knows its scanner."
  }
}

run "clamd" {
  command = plan

  variables {
    scanner   = "clamd"
    clamd_url = "tcp://clamd.internal:3310"
  }

  assert {
    condition = (
      output.lambda_environment.GALLERY_SCANNER == "clamd" && output.lambda_environment.GALLERY_CLAMD_URL == "tcp://clamd.internal:3310" &&
      length(aws_sqs_queue.scan_findings) == 0 && output.malware_findings_queue_arn == null
    )
    error_message = "clamd is only an address for the function: no queue, topic or rule."
  }
}

run "rejects_clamd_without_an_address" {
  command = plan

  variables {
    scanner = "clamd"
  }

  expect_failures = [output.scanner]
}

run "rejects_bucketav_without_topic_or_publisher" {
  command = plan

  variables {
    scanner = "bucketav"
  }

  expect_failures = [output.scanner]
}

run "rejects_unknown_scanner" {
  command = plan

  variables {
    scanner = "clamav"
  }

  expect_failures = [var.scanner]
}
