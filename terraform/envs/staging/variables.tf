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

variable "scanner" {
  description = "Malware scanner of direct uploads: none, clamd (needs clamd_url), bucketav (needs malware_findings_topic_arn or bucketav_publisher_role_arn) or guardduty. terraform/README.md, \"Malware scanning\"."
  type        = string
  default     = "none"
}

variable "clamd_url" {
  description = "With scanner = clamd: tcp://host:port of a ClamAV daemon the function reaches inside the VPC."
  type        = string
  default     = null
}

variable "malware_findings_topic_arn" {
  description = "With scanner = bucketav: BucketAV's own findings topic. Null: Terraform creates the topic and only bucketav_publisher_role_arn may publish to it."
  type        = string
  default     = null
}

variable "bucketav_publisher_role_arn" {
  description = "With scanner = bucketav and no malware_findings_topic_arn: the role of BucketAV's scan fleet, the topic's only publisher."
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
  default     = 1000
}
