variable "name" {
  description = "Name of the VPC and prefix of its parts, e.g. \"imageplatform-staging\"."
  type        = string
}

variable "cidr_block" {
  description = "IPv4 range of the VPC; each private subnet gets a /20 of it."
  type        = string
  default     = "10.20.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.cidr_block)) && tonumber(split("/", var.cidr_block)[1]) <= 20
    error_message = "cidr_block must be an IPv4 CIDR of /20 or larger."
  }
}

variable "availability_zones" {
  description = "Zones of the private subnets (at least two, for Aurora). Null means \"<region>a\" and \"<region>b\"."
  type        = list(string)
  default     = null

  validation {
    condition     = var.availability_zones == null || try(length(var.availability_zones) >= 2 && length(var.availability_zones) <= 16, false)
    error_message = "availability_zones needs at least two zones."
  }
}

variable "interface_endpoints" {
  description = "AWS services the function calls that have no gateway endpoint, each given an interface endpoint (e.g. \"secretsmanager\")."
  type        = list(string)
  default     = ["secretsmanager"]

  validation {
    condition     = alltrue([for s in var.interface_endpoints : can(regex("^[a-z0-9.-]+$", s)) && !contains(["s3", "dynamodb"], s)])
    error_message = "interface_endpoints are service names such as \"secretsmanager\"; S3 and DynamoDB use the free gateway endpoints."
  }
}

variable "interface_endpoint_zones" {
  description = "In how many zones each interface endpoint has a network interface (1 halves its cost; 2 survives a zone outage)."
  type        = number
  default     = 2

  validation {
    condition     = var.interface_endpoint_zones >= 1 && var.interface_endpoint_zones <= 2
    error_message = "interface_endpoint_zones must be 1 or 2."
  }
}

variable "database_port" {
  description = "Port of the database, the only one the function's group may reach it on."
  type        = number
  default     = 5432
}

variable "flow_logs" {
  description = "Whether the VPC's flow logs go to flow_logs_bucket_arn."
  type        = bool
  default     = true
}

variable "flow_logs_bucket_arn" {
  description = "ARN of the bucket that receives the VPC flow logs (its policy must admit delivery.logs.amazonaws.com)."
  type        = string
  default     = null
}

variable "flow_logs_prefix" {
  description = "Key prefix of the flow logs in that bucket (ends with \"/\")."
  type        = string
  default     = "vpc/"
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
