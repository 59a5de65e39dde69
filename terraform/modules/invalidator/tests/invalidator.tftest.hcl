# The takedown invalidator: outside the VPC, allowed to invalidate our distribution only.
mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name             = "imageplatform-staging"
  distribution_id  = "E2EXAMPLE12345"
  distribution_arn = "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE12345"
  table_name       = "imageplatform-staging-invalidations"
  table_arn        = "arn:aws:dynamodb:us-east-1:123456789012:table/imageplatform-staging-invalidations"
  stream_arn       = "arn:aws:dynamodb:us-east-1:123456789012:table/imageplatform-staging-invalidations/stream/2026-01-01T00:00:00.000"
  alarm_topic_arn  = "arn:aws:sns:us-east-1:123456789012:imageplatform-staging-alarms"
}

run "invalidator" {
  command = apply

  # Outside the VPC: the point of the function.
  assert {
    condition     = length(aws_lambda_function.this.vpc_config) == 0
    error_message = "The invalidator runs outside the VPC (no vpc_config): CloudFront's API is not reachable from it."
  }

  assert {
    condition = (
      aws_lambda_function.this.function_name == "imageplatform-staging-invalidator" &&
      aws_lambda_function.this.handler == "handler.handler" &&
      contains(["python3.12", "python3.13"], aws_lambda_function.this.runtime) &&
      aws_lambda_function.this.memory_size <= 256 &&
      aws_lambda_function.this.reserved_concurrent_executions >= 1 && aws_lambda_function.this.reserved_concurrent_executions <= 10 &&
      aws_lambda_function.this.source_code_hash == filebase64sha256("${path.module}/invalidator.zip")
    )
    error_message = "A small python function from the committed package, with a small reserved concurrency."
  }

  assert {
    condition = aws_lambda_function.this.environment[0].variables == tomap({
      DISTRIBUTION_ID              = "E2EXAMPLE12345"
      PLATFORM_INVALIDATIONS_TABLE = "imageplatform-staging-invalidations"
    })
    error_message = "The function knows the distribution and the table, nothing else."
  }

  # IAM: exactly these calls on exactly these resources.
  assert {
    condition = (
      length([for s in local.policy.Statement : s if contains(flatten([s.Action]), "cloudfront:CreateInvalidation")]) == 1 &&
      one([for s in local.policy.Statement : s.Resource if s.Sid == "InvalidateOwnDistribution"]) == "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE12345" &&
      one([for s in local.policy.Statement : s.Action if s.Sid == "InvalidateOwnDistribution"]) == "cloudfront:CreateInvalidation"
    )
    error_message = "The function may invalidate our distribution only."
  }

  assert {
    condition = toset(flatten([for s in local.policy.Statement : s.Action])) == toset([
      "cloudfront:CreateInvalidation", "dynamodb:UpdateItem",
      "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams",
      "sqs:SendMessage", "logs:CreateLogStream", "logs:PutLogEvents",
    ])
    error_message = "The role allows exactly: invalidate, record the outcome, read the stream, report failures, log."
  }

  assert {
    condition = alltrue([
      for s in local.policy.Statement :
      s.Effect == "Allow" && alltrue([for r in flatten([s.Resource]) : r != "*" && !endswith(r, ":*:*")]) &&
      alltrue([for a in flatten([s.Action]) : !strcontains(a, "*")])
    ])
    error_message = "No wildcard actions or \"*\" resources."
  }

  assert {
    condition = (
      one([for s in local.policy.Statement : s.Resource if s.Sid == "RecordOutcome"]) == var.table_arn &&
      one([for s in local.policy.Statement : s.Resource if s.Sid == "ReadRequestStream"]) == var.stream_arn &&
      one([for s in local.policy.Statement : s.Resource if s.Sid == "ReportGivenUpRecords"]) == aws_sqs_queue.failures.arn
    )
    error_message = "UpdateItem on the table, stream reads on its stream, SendMessage to its own failure queue."
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.this.policy) == jsondecode(jsonencode(local.policy)) && jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal.Service == "lambda.amazonaws.com"
    error_message = "The role carries the policy tested above and only Lambda assumes it."
  }

  # The stream: new requests only, bounded retries, failures to an encrypted queue.
  assert {
    condition = (
      aws_lambda_event_source_mapping.this.event_source_arn == var.stream_arn &&
      jsondecode(one(one(aws_lambda_event_source_mapping.this.filter_criteria).filter).pattern) == { eventName = ["INSERT"], dynamodb = { NewImage = { status = { S = ["requested"] } } } } &&
      aws_lambda_event_source_mapping.this.bisect_batch_on_function_error &&
      aws_lambda_event_source_mapping.this.maximum_retry_attempts == 10 &&
      aws_lambda_event_source_mapping.this.destination_config[0].on_failure[0].destination_arn == aws_sqs_queue.failures.arn
    )
    error_message = "The table's stream invokes the function for INSERTs of requests only, bisecting and retrying, then reporting to the failure queue."
  }

  assert {
    condition     = aws_sqs_queue.failures.sqs_managed_sse_enabled
    error_message = "The failure queue is encrypted."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.given_up.alarm_actions == toset([var.alarm_topic_arn]) && aws_cloudwatch_metric_alarm.errors.alarm_actions == toset([var.alarm_topic_arn])
    error_message = "Errors and given-up requests raise alarms."
  }
}

run "rejects_unsupported_runtime" {
  command = plan

  variables {
    runtime = "nodejs20.x"
  }

  expect_failures = [var.runtime]
}
