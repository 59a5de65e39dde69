mock_provider "aws" {
  source = "../../tests/mocks"
}

mock_provider "aws" {
  alias  = "us_east_1"
  source = "../../tests/mocks"
}

variables {
  stage                     = "staging"
  definition                = jsondecode(file("../../../imageplatform/dynamodb.json"))
  app_domain_name           = "abc123.execute-api.us-east-1.amazonaws.com"
  cloudfront_public_key_pem = file("../../envs/staging/cloudfront_public_key.pem")
}

run "before_zappa_deploy" {
  command = apply

  assert {
    condition = toset(keys(output.lambda_environment)) == toset([
      "GALLERY_BUCKET", "STATIC_BUCKET", "GALLERY_TABLE", "SHORTLINKS_TABLE", "CLOUDFRONT_DOMAIN", "CLOUDFRONT_KEY_ID",
    ])
    error_message = "lambda_environment holds exactly the variables the app reads."
  }

  assert {
    condition = (
      output.lambda_environment.GALLERY_TABLE == "imageplatform-staging-images" &&
      output.lambda_environment.SHORTLINKS_TABLE == "imageplatform-staging-shortlinks" &&
      output.gallery_table == "imageplatform-staging-images" &&
      output.shortlinks_table == "imageplatform-staging-shortlinks" &&
      output.lambda_environment.CLOUDFRONT_KEY_ID == output.cloudfront_key_id
    )
    error_message = "Table names are <project>-<stage>-<suffix> and match the outputs."
  }

  assert {
    condition     = output.lambda_function_name == "imageplatform-staging" && output.lambda_log_group_name == "/aws/lambda/imageplatform-staging"
    error_message = "The log group is the one Zappa's function imageplatform-<stage> writes to."
  }

  assert {
    condition     = aws_cloudwatch_log_group.lambda.retention_in_days == 30
    error_message = "Log retention is set."
  }

  assert {
    condition     = length(aws_s3_bucket_notification.media) == 0 && length(aws_lambda_permission.s3_uploads) == 0 && length(aws_sns_topic_subscription.scan_findings) == 0
    error_message = "Nothing is wired to the function before Zappa created it."
  }

  assert {
    condition     = local.app_origin_path == "/staging"
    error_message = "CloudFront reaches the app under Zappa's stage path."
  }

  assert {
    condition     = !local.deletion_protected
    error_message = "Staging tables are not deletion protected by default."
  }

  # IAM: no wildcard actions or resources; each statement scoped to this stack.
  assert {
    condition = alltrue([
      for s in local.lambda_policy.Statement :
      s.Effect == "Allow" &&
      alltrue([for a in flatten([s.Action]) : !strcontains(a, "*")]) &&
      alltrue([for r in flatten([s.Resource]) : r != "*"])
    ])
    error_message = "The execution role has no wildcard actions and no \"*\" resources."
  }

  assert {
    condition = toset(one([for s in local.lambda_policy.Statement : s.Resource if s.Sid == "MediaObjects"])) == toset([
      for p in values(var.definition.s3_prefixes) : "arn:aws:s3:::imageplatform-test-bucket/${p}*"
    ])
    error_message = "Object access is limited to the media prefixes of the shared definition."
  }

  assert {
    condition     = toset(one([for s in local.lambda_policy.Statement : s.Resource if s.Sid == "Tables"])) == toset(["arn:aws:dynamodb:us-east-1:123456789012:table/imageplatform-test", "arn:aws:dynamodb:us-east-1:123456789012:table/imageplatform-test/index/*"])
    error_message = "DynamoDB access is limited to the stack's tables and their indexes."
  }

  assert {
    condition     = one([for s in local.lambda_policy.Statement : s.Resource if s.Sid == "WriteOwnLogs"]) == "arn:aws:logs:us-east-1:123456789012:log-group:imageplatform-test:*"
    error_message = "Logging is limited to the function's own log group."
  }

  assert {
    condition     = one([for s in local.lambda_policy.Statement : s.Resource if s.Sid == "ReadSigningKey"]) == "arn:aws:ssm:us-east-1:123456789012:parameter/imageplatform/staging/cloudfront-private-key"
    error_message = "The function may read only its own signing key parameter."
  }

  assert {
    condition     = length([for s in local.lambda_policy.Statement : s if s.Sid == "Publish" || s.Sid == "MediaKey"]) == 0
    error_message = "No SNS or KMS permissions unless configured."
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.this.policy) == jsondecode(jsonencode(local.lambda_policy))
    error_message = "The role carries the policy tested above."
  }

  assert {
    condition     = toset(jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal.Service) == toset(["lambda.amazonaws.com", "apigateway.amazonaws.com"])
    error_message = "Only Lambda and Zappa's API Gateway integration assume the role."
  }

  assert {
    condition     = output.alarm_topic_arn != null && length(output.alarm_names) == 7
    error_message = "Seven alarms (Lambda errors, duration, throttles, API 5xx, CloudFront 5xx, two tables) go to the topic."
  }
}

run "wired_to_the_function" {
  command = apply

  variables {
    lambda_function_arn           = "arn:aws:lambda:us-east-1:123456789012:function:imageplatform-staging"
    lambda_sns_publish_topic_arns = ["arn:aws:sns:us-east-1:123456789012:moderation"]
    media_kms_key_arn             = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = one(aws_s3_bucket_notification.media[0].lambda_function).filter_prefix == "uploads/" && one(aws_s3_bucket_notification.media[0].lambda_function).lambda_function_arn == var.lambda_function_arn
    error_message = "S3 ObjectCreated events under uploads/ invoke the function."
  }

  assert {
    condition     = aws_lambda_permission.s3_uploads[0].principal == "s3.amazonaws.com" && aws_lambda_permission.s3_uploads[0].source_arn == "arn:aws:s3:::imageplatform-test-bucket" && aws_lambda_permission.s3_uploads[0].source_account == "123456789012"
    error_message = "Only the media bucket of this account may invoke the function."
  }

  assert {
    condition     = one([for s in local.lambda_policy.Statement : s.Resource if s.Sid == "Publish"]) == var.lambda_sns_publish_topic_arns
    error_message = "SNS publish is limited to the listed topics."
  }

  assert {
    condition     = one([for s in local.lambda_policy.Statement : s.Resource if s.Sid == "MediaKey"]) == var.media_kms_key_arn
    error_message = "A media KMS key is usable by the function."
  }
}

run "malware_scan_findings_replace_upload_events" {
  command = plan

  variables {
    lambda_function_arn        = "arn:aws:lambda:us-east-1:123456789012:function:imageplatform-staging"
    malware_findings_topic_arn = "arn:aws:sns:us-east-1:123456789012:bucketav-findings"
  }

  assert {
    condition     = aws_sns_topic_subscription.scan_findings[0].protocol == "lambda" && aws_sns_topic_subscription.scan_findings[0].topic_arn == var.malware_findings_topic_arn
    error_message = "The function subscribes to the scanner's findings."
  }

  assert {
    condition     = aws_lambda_permission.scan_findings[0].principal == "sns.amazonaws.com" && aws_lambda_permission.scan_findings[0].source_arn == var.malware_findings_topic_arn
    error_message = "Only the findings topic may invoke the function through SNS."
  }

  assert {
    condition     = length(aws_s3_bucket_notification.media) == 0
    error_message = "With a scanner, uploads reach the function only through its findings."
  }
}

run "production_protects_tables" {
  command = plan

  variables {
    stage = "production"
  }

  assert {
    condition     = local.deletion_protected && local.name == "imageplatform-production"
    error_message = "Production tables are deletion protected."
  }
}

run "rejects_unknown_stage" {
  command = plan

  variables {
    stage = "dev"
  }

  expect_failures = [var.stage]
}

run "rejects_definition_without_media_prefixes" {
  command = plan

  variables {
    definition = {
      tables      = {}
      s3_prefixes = { uploads = "uploads/" }
    }
  }

  expect_failures = [var.definition]
}
