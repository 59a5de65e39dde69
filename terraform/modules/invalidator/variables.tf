variable "name" {
  description = "Prefix of every name, e.g. \"imageplatform-staging\"; the function is \"<name>-invalidator\"."
  type        = string
}

variable "distribution_id" {
  description = "CloudFront distribution whose paths the function invalidates (DISTRIBUTION_ID)."
  type        = string
}

variable "distribution_arn" {
  description = "ARN of that distribution: the only resource of cloudfront:CreateInvalidation."
  type        = string
}

variable "table_name" {
  description = "The invalidations table (PLATFORM_INVALIDATIONS_TABLE): the app puts requests, the function records outcomes."
  type        = string
}

variable "table_arn" {
  description = "ARN of the invalidations table: the only resource of dynamodb:UpdateItem."
  type        = string
}

variable "stream_arn" {
  description = "ARN of the table's stream (NEW_IMAGE), the function's event source."
  type        = string
}

variable "runtime" {
  description = "Lambda Python runtime (boto3 comes with it; the package holds handler.py only)."
  type        = string
  default     = "python3.13"

  validation {
    condition     = contains(["python3.12", "python3.13"], var.runtime)
    error_message = "runtime must be python3.12 or python3.13."
  }
}

variable "memory_mb" {
  description = "Memory of the function; it only makes two API calls per request."
  type        = number
  default     = 128
}

variable "timeout_seconds" {
  description = "Timeout of one batch."
  type        = number
  default     = 30
}

variable "reserved_concurrency" {
  description = "Reserved concurrency: one batch per stream shard at a time needs very little, and it caps CreateInvalidation calls."
  type        = number
  default     = 2

  validation {
    condition     = var.reserved_concurrency >= 1 && var.reserved_concurrency <= 10
    error_message = "reserved_concurrency must be 1-10."
  }
}

variable "batch_size" {
  description = "Stream records per invocation."
  type        = number
  default     = 10
}

variable "maximum_retry_attempts" {
  description = "Retries of a failing batch (after bisecting it) before its record goes to the failure queue."
  type        = number
  default     = 10
}

variable "maximum_record_age_seconds" {
  description = "Age after which a record is no longer retried but sent to the failure queue (the stream keeps 24 h)."
  type        = number
  default     = 21600
}

variable "log_retention_days" {
  description = "Retention of the function's log group, in days."
  type        = number
  default     = 30
}

variable "alarm_topic_arn" {
  description = "SNS topic for the function's alarms (errors, records given up on); null for alarms without notification."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
