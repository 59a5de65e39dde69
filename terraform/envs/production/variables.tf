variable "region" {
  description = "Primary AWS region of the stack (AWS_REGION of the function)."
  type        = string
  default     = "us-east-1"
}

variable "bucket_name_prefix" {
  description = "Prefix of the globally unique bucket names; include something unique to the account."
  type        = string
}

variable "app_domain_name" {
  description = "API Gateway domain Zappa printed on deploy (\"<id>.execute-api.<region>.amazonaws.com\")."
  type        = string
}

variable "malware_findings_topic_arn" {
  description = "SNS topic of the malware scanner's findings (BucketAV); null when no scanner is deployed. Output for Zappa's events list."
  type        = string
  default     = null
}

variable "alarm_email" {
  description = "Email for alarm notifications; null for none."
  type        = string
  default     = null
}

variable "aliases" {
  description = "Custom domain names of the site."
  type        = list(string)
  default     = []
}

variable "acm_certificate_arn" {
  description = "ACM certificate in us-east-1 for the aliases."
  type        = string
  default     = null
}

variable "price_class" {
  description = "CloudFront price class."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "waf_rate_limit" {
  description = "Requests per IP per 5 minutes before the WAF blocks the IP."
  type        = number
  default     = 2000
}
