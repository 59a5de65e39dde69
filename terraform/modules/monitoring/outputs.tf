output "topic_arn" {
  description = "ARN of the alarm topic in the primary region."
  value       = try(aws_sns_topic.this.arn, null)
}

output "global_topic_arn" {
  description = "ARN of the topic receiving the CloudFront alarm (the primary topic when the primary region is us-east-1)."
  value       = try(local.global_topic_arn, null)
}

output "alarm_names" {
  description = "Names of all alarms."
  value = try(concat(
    [
      aws_cloudwatch_metric_alarm.lambda_errors.alarm_name,
      aws_cloudwatch_metric_alarm.lambda_duration.alarm_name,
      aws_cloudwatch_metric_alarm.lambda_throttles.alarm_name,
      aws_cloudwatch_metric_alarm.api_5xx_rate.alarm_name,
      aws_cloudwatch_metric_alarm.cloudfront_5xx_rate.alarm_name,
    ],
    [for a in aws_cloudwatch_metric_alarm.dynamodb_throttles : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.database_connections : a.alarm_name],
  ), [])
}
