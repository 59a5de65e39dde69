variable "name" {
  description = "Name used for the distribution's comment and for its policies, e.g. \"imageplatform-staging\"."
  type        = string
}

variable "app_domain_name" {
  description = "Domain of the app origin: the API Gateway endpoint that Zappa deploys, e.g. \"abc123.execute-api.us-east-1.amazonaws.com\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9.-]+\\.[a-z]{2,}$", var.app_domain_name))
    error_message = "app_domain_name must be a bare domain name (no scheme, no path)."
  }
}

variable "app_origin_path" {
  description = "Path prefix on the app origin, such as the API Gateway stage (\"/staging\"); \"\" for none."
  type        = string
  default     = ""

  validation {
    condition     = var.app_origin_path == "" || can(regex("^/[^/].*[^/]$|^/[^/]$", var.app_origin_path))
    error_message = "app_origin_path must be empty or start with \"/\" and not end with one."
  }
}

variable "media_bucket" {
  description = "The media bucket (originals, renditions) served through Origin Access Control."
  type = object({
    id                          = string
    bucket_regional_domain_name = string
  })
}

variable "static_bucket" {
  description = "The bucket with collectstatic output, served under /static/* through Origin Access Control."
  type = object({
    id                          = string
    bucket_regional_domain_name = string
  })
}

variable "s3_prefixes" {
  description = "Media key prefixes from the shared definition (renditions/ is served; originals/ never is)."
  type        = map(string)

  validation {
    condition     = contains(keys(var.s3_prefixes), "renditions")
    error_message = "s3_prefixes must name the renditions prefix."
  }
}

variable "origin_verify" {
  description = "Custom header CloudFront adds to every request to the app origin; the app refuses requests without it (direct calls to API Gateway). The value comes from Secrets Manager."
  type = object({
    header_name = string
    value       = string
  })
  sensitive = true

  validation {
    condition     = can(regex("^[A-Za-z0-9-]+$", var.origin_verify.header_name)) && length(var.origin_verify.value) >= 32
    error_message = "origin_verify needs a header name and a value of at least 32 characters."
  }
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

variable "aliases" {
  description = "Custom domain names for the distribution. Needs acm_certificate_arn."
  type        = list(string)
  default     = []
}

variable "acm_certificate_arn" {
  description = "ARN of an ACM certificate in us-east-1 covering the aliases. Null uses the *.cloudfront.net certificate."
  type        = string
  default     = null

  validation {
    condition     = var.acm_certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:us-east-1:", var.acm_certificate_arn))
    error_message = "CloudFront only accepts ACM certificates from us-east-1."
  }
}

variable "web_acl_arn" {
  description = "ARN of the WAFv2 web ACL (scope CLOUDFRONT) attached to the distribution."
  type        = string
}

variable "logging_bucket_domain_name" {
  description = "Domain name (\"<bucket>.s3.amazonaws.com\") of the bucket for standard access logs."
  type        = string
}

variable "logging_prefix" {
  description = "Key prefix of the access logs."
  type        = string
  default     = "cloudfront/"
}

variable "static_max_ttl_seconds" {
  description = "Longest time CloudFront caches static files and renditions (their keys change when content changes)."
  type        = number
  default     = 31536000
}

variable "tags" {
  description = "Tags for the distribution."
  type        = map(string)
  default     = {}
}
