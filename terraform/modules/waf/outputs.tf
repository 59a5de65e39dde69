output "web_acl_arn" {
  description = "ARN of the web ACL, for the CloudFront distribution's web_acl_id."
  value       = try(aws_wafv2_web_acl.this.arn, null)
}

output "web_acl_name" {
  description = "Name of the web ACL (the WebACL dimension of its metrics)."
  value       = try(aws_wafv2_web_acl.this.name, null)
}

output "log_group_name" {
  description = "CloudWatch log group receiving the WAF logs."
  value       = try(aws_cloudwatch_log_group.this.name, null)
}
