mock_provider "aws" {
  source = "../../tests/mocks"
}

mock_provider "aws" {
  alias  = "us_east_1"
  source = "../../tests/mocks"
}

variables {
  name                        = "imageplatform-staging"
  alarm_email                 = "ops@example.org"
  primary_region_is_us_east_1 = true
  lambda_function_name        = "imageplatform-staging"
  lambda_timeout_seconds      = 30
  api_name                    = "imageplatform-staging"
  table_names                 = ["imageplatform-staging-images", "imageplatform-staging-shortlinks"]
  distribution_id             = "E2EXAMPLE12345"
}

run "alarms_are_wired_to_the_topic" {
  command = apply

  assert {
    condition = alltrue([
      for a in concat(
        [
          aws_cloudwatch_metric_alarm.lambda_errors,
          aws_cloudwatch_metric_alarm.lambda_duration,
          aws_cloudwatch_metric_alarm.lambda_throttles,
          aws_cloudwatch_metric_alarm.api_5xx_rate,
          aws_cloudwatch_metric_alarm.cloudfront_5xx_rate,
        ],
        values(aws_cloudwatch_metric_alarm.dynamodb_throttles),
      ) : a.alarm_actions == toset([aws_sns_topic.this.arn])
    ])
    error_message = "Every alarm notifies the alarm topic."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.lambda_duration.threshold == 24000 && aws_cloudwatch_metric_alarm.lambda_duration.statistic == "Maximum"
    error_message = "The duration alarm fires at 80% of the 30 s timeout."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.lambda_errors.dimensions.FunctionName == "imageplatform-staging" &&
      aws_cloudwatch_metric_alarm.lambda_throttles.metric_name == "Throttles" &&
      aws_cloudwatch_metric_alarm.api_5xx_rate.dimensions.ApiName == "imageplatform-staging" &&
      aws_cloudwatch_metric_alarm.cloudfront_5xx_rate.dimensions.DistributionId == "E2EXAMPLE12345" &&
      aws_cloudwatch_metric_alarm.cloudfront_5xx_rate.dimensions.Region == "Global"
    )
    error_message = "Alarms watch the Zappa function, its API and the distribution."
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_metric_alarm.dynamodb_throttles)) == toset(var.table_names)
    error_message = "Each table has a throttling alarm."
  }

  assert {
    condition     = aws_sns_topic_subscription.email[0].protocol == "email" && aws_sns_topic_subscription.email[0].endpoint == "ops@example.org"
    error_message = "The alarm email is subscribed."
  }

  assert {
    condition     = length(aws_sns_topic.us_east_1) == 0
    error_message = "No second topic when the stack is in us-east-1."
  }
}

run "second_topic_outside_us_east_1" {
  command = plan

  variables {
    primary_region_is_us_east_1 = false
    alarm_email                 = null
  }

  assert {
    condition     = length(aws_sns_topic.us_east_1) == 1 && length(aws_sns_topic_subscription.email) == 0
    error_message = "The CloudFront alarm gets a topic in us-east-1; no email without an address."
  }
}

run "database_connections_alarm" {
  command = plan

  variables {
    database = {
      cluster_identifier = "imageplatform-staging"
      max_connections    = 189
    }
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.database_connections[0].threshold == 151 &&
      aws_cloudwatch_metric_alarm.database_connections[0].dimensions["DBClusterIdentifier"] == "imageplatform-staging" &&
      aws_cloudwatch_metric_alarm.database_connections[0].alarm_actions == toset([aws_sns_topic.this.arn])
    )
    error_message = "The connections alarm fires above 80% of max_connections and notifies the topic."
  }
}
