variable "region" {
  description = "Region of the state bucket (and of the optional lock table)."
  type        = string
  default     = "us-east-1"
}

variable "state_bucket_name" {
  description = "Globally unique name of the state bucket; the envs' backend \"s3\" blocks name it."
  type        = string
  default     = "imageplatform-terraform-state"
}

variable "create_lock_table" {
  description = "Whether to create a DynamoDB lock table, for teams on Terraform older than 1.10 (S3 native lock files, use_lockfile, need no table)."
  type        = bool
  default     = false
}

variable "lock_table_name" {
  description = "Name of the optional DynamoDB lock table."
  type        = string
  default     = "imageplatform-terraform-locks"
}

variable "noncurrent_version_expiration_days" {
  description = "Days old state versions are kept."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_expiration_days >= 7
    error_message = "Keep old state versions at least a week."
  }
}
