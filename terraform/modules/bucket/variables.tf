variable "name" {
  description = "Globally unique name of the bucket."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.name))
    error_message = "Bucket names are 3-63 characters of lowercase letters, digits, dots and hyphens."
  }
}

variable "force_destroy" {
  description = "Whether `terraform destroy` may delete a bucket that still holds objects. Keep false for anything holding user data."
  type        = bool
  default     = false
}

variable "object_ownership" {
  description = "S3 Object Ownership. BucketOwnerEnforced disables ACLs; BucketOwnerPreferred is only for log targets of services that still write with ACLs (CloudFront standard logging)."
  type        = string
  default     = "BucketOwnerEnforced"

  validation {
    condition     = contains(["BucketOwnerEnforced", "BucketOwnerPreferred"], var.object_ownership)
    error_message = "object_ownership must be BucketOwnerEnforced or BucketOwnerPreferred (ObjectWriter is never wanted here)."
  }
}

variable "kms_key_arn" {
  description = "ARN of a customer managed KMS key for SSE-KMS. Null means SSE-S3 (AES256)."
  type        = string
  default     = null
}

variable "versioning" {
  description = "Whether object versioning is enabled."
  type        = bool
  default     = true
}

variable "logging" {
  description = "Server access logging target. Null turns access logging off (only for the log bucket itself)."
  type = object({
    target_bucket = string
    target_prefix = string
  })
  default = null
}

variable "abort_incomplete_multipart_days" {
  description = "Days after which incomplete multipart uploads are aborted (a rule every bucket gets)."
  type        = number
  default     = 1

  validation {
    condition     = var.abort_incomplete_multipart_days >= 1
    error_message = "abort_incomplete_multipart_days must be at least 1."
  }
}

variable "lifecycle_rules" {
  description = "Further lifecycle rules. Each applies to a key prefix (\"\" for the whole bucket); either day count may be null to leave that action out."
  type = list(object({
    id                                 = string
    prefix                             = optional(string, "")
    expiration_days                    = optional(number)
    noncurrent_version_expiration_days = optional(number)
  }))
  default = []
}

variable "cors_rules" {
  description = "CORS rules, e.g. to let the site's origin POST presigned uploads."
  type = list(object({
    allowed_methods = list(string)
    allowed_origins = list(string)
    allowed_headers = optional(list(string), ["*"])
    expose_headers  = optional(list(string), ["ETag"])
    max_age_seconds = optional(number, 3000)
  }))
  default = []
}

variable "policy_statements" {
  description = "Extra bucket policy statements (IAM JSON objects), merged after the TLS-only deny that every bucket gets."
  type        = any
  default     = []
}

variable "transfer_acceleration" {
  description = "Whether S3 Transfer Acceleration is enabled (faster uploads from far away; extra cost per GB)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for the bucket."
  type        = map(string)
  default     = {}
}
