variable "name" {
  description = "Prefix of alarm and topic names, e.g. \"imageplatform-staging\"."
  type        = string
}

variable "alarm_email" {
  description = "Email address subscribed to the alarm topics (the subscription must be confirmed). Null for none."
  type        = string
  default     = null
}

variable "primary_region_is_us_east_1" {
  description = "Whether the primary provider is in us-east-1. If not, a second topic there receives the CloudFront alarm (alarms only notify topics in their own region)."
  type        = bool
}

variable "lambda_function_name" {
  description = "Name of the Lambda function Zappa deploys."
  type        = string
}

variable "lambda_timeout_seconds" {
  description = "The function's timeout; the duration alarm fires at duration_alarm_ratio of it."
  type        = number
}

variable "duration_alarm_ratio" {
  description = "Fraction of the timeout at which the maximum duration raises an alarm."
  type        = number
  default     = 0.8

  validation {
    condition     = var.duration_alarm_ratio > 0 && var.duration_alarm_ratio <= 1
    error_message = "duration_alarm_ratio must be in (0, 1]."
  }
}

variable "lambda_errors_threshold" {
  description = "Lambda errors in 5 minutes that raise an alarm."
  type        = number
  default     = 5
}

variable "api_name" {
  description = "Name of the API Gateway REST API (Zappa names it after the function)."
  type        = string
}

variable "api_5xx_rate_threshold" {
  description = "Share of API requests answered with 5xx (0-1) that raises an alarm."
  type        = number
  default     = 0.05
}

variable "table_names" {
  description = "DynamoDB tables watched for throttled requests."
  type        = list(string)
}

variable "distribution_id" {
  description = "ID of the CloudFront distribution."
  type        = string
}

variable "cloudfront_5xx_rate_threshold" {
  description = "CloudFront 5xx error rate in percent that raises an alarm."
  type        = number
  default     = 5
}

variable "tags" {
  description = "Tags for topics and alarms."
  type        = map(string)
  default     = {}
}

variable "database" {
  description = "The Aurora cluster whose connections are watched (identifier, max_connections); null for none."
  type = object({
    cluster_identifier = string
    max_connections    = number
  })
  default = null
}

variable "database_connections_alarm_ratio" {
  description = "Fraction of max_connections above which the connections alarm fires."
  type        = number
  default     = 0.8

  validation {
    condition     = var.database_connections_alarm_ratio > 0 && var.database_connections_alarm_ratio <= 1
    error_message = "database_connections_alarm_ratio must be in (0, 1]."
  }
}
