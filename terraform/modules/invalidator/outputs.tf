output "function_name" {
  description = "Name of the invalidator function."
  value       = try(aws_lambda_function.this.function_name, null)
}

output "function_arn" {
  description = "ARN of the invalidator function."
  value       = try(aws_lambda_function.this.arn, null)
}

output "role_arn" {
  description = "Execution role of the invalidator."
  value       = try(aws_iam_role.this.arn, null)
}

output "failure_queue_url" {
  description = "SQS queue describing the stream batches given up on."
  value       = try(aws_sqs_queue.failures.url, null)
}

output "failure_queue_arn" {
  description = "ARN of the failure queue."
  value       = try(aws_sqs_queue.failures.arn, null)
}

output "alarm_names" {
  description = "Names of the invalidator's alarms."
  value       = try([aws_cloudwatch_metric_alarm.errors.alarm_name, aws_cloudwatch_metric_alarm.given_up.alarm_name], [])
}
