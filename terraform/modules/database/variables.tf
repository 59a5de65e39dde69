variable "name" {
  description = "Cluster identifier and prefix of its parts, e.g. \"imageplatform-staging\"."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets in at least two zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "Aurora needs subnets in at least two zones."
  }
}

variable "security_group_ids" {
  description = "Security groups of the cluster (the one that admits the function only)."
  type        = list(string)
}

variable "engine_version" {
  description = "Aurora PostgreSQL version; scaling to zero needs 13.15, 14.12, 15.7, 16.3 or later."
  type        = string
  default     = "16.6"
}

variable "database_name" {
  description = "Name of the database Django uses."
  type        = string
  default     = "imageplatform"
}

variable "master_username" {
  description = "Master user name (its password is managed by RDS in Secrets Manager)."
  type        = string
  default     = "imageplatform"
}

variable "port" {
  description = "PostgreSQL port."
  type        = number
  default     = 5432
}

variable "min_capacity" {
  description = "Minimum Aurora capacity units; 0 pauses the database after seconds_until_auto_pause without connections."
  type        = number
  default     = 0.5

  validation {
    condition     = var.min_capacity >= 0 && var.min_capacity <= 256 && floor(var.min_capacity * 2) == var.min_capacity * 2
    error_message = "min_capacity is 0 to 256 in steps of 0.5."
  }
}

variable "max_capacity" {
  description = "Maximum Aurora capacity units; max_connections follows it (see terraform/README.md)."
  type        = number
  default     = 4

  validation {
    condition     = var.max_capacity >= 1 && var.max_capacity <= 256 && floor(var.max_capacity * 2) == var.max_capacity * 2
    error_message = "max_capacity is 1 to 256 in steps of 0.5."
  }
}

variable "seconds_until_auto_pause" {
  description = "Idle seconds before a min_capacity = 0 cluster pauses (300 to 86400)."
  type        = number
  default     = 600

  validation {
    condition     = var.seconds_until_auto_pause >= 300 && var.seconds_until_auto_pause <= 86400
    error_message = "seconds_until_auto_pause must be 300 to 86400."
  }
}

variable "instance_count" {
  description = "Serverless v2 instances: 1 (the writer) or more (readers in other zones, failover in seconds instead of minutes)."
  type        = number
  default     = 1

  validation {
    condition     = var.instance_count >= 1 && var.instance_count <= 3
    error_message = "instance_count must be 1 to 3."
  }
}

variable "deletion_protection" {
  description = "Whether the cluster refuses to be deleted."
  type        = bool
  default     = true
}

variable "final_snapshot" {
  description = "Whether deleting the cluster first takes a final snapshot (\"<name>-final\")."
  type        = bool
  default     = true
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time restore window)."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be 1 to 35."
  }
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for storage and the master secret; null means the AWS managed keys."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
