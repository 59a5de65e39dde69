variable "name" {
  description = "Name of the web ACL and prefix of its metrics, e.g. \"imageplatform-staging\"."
  type        = string
}

variable "rate_limit" {
  description = "Requests per IP in any 5-minute window above which the IP is blocked."
  type        = number
  default     = 2000

  validation {
    condition     = var.rate_limit >= 100 && var.rate_limit <= 2000000000
    error_message = "rate_limit must be between 100 and 2,000,000,000."
  }
}

variable "api_path_prefix" {
  description = "Path prefix of the JSON API; requests under it without an Authorization header are blocked."
  type        = string
  default     = "/api/"
}

variable "api_public_paths" {
  description = "Exact API paths that stay reachable without an Authorization header (the OpenAPI document and its viewer)."
  type        = list(string)
  default     = ["/api/v1/openapi.json", "/api/v1/docs"]
}

variable "log_retention_days" {
  description = "Retention of the WAF log group, in days."
  type        = number
  default     = 90
}

variable "tags" {
  description = "Tags for the web ACL and its log group."
  type        = map(string)
  default     = {}
}
