################################################################################
# Naming
################################################################################

variable "project" {
  description = "Project name; with the stage it names the Lambda function (\"<project>-<stage>\", as Zappa does) and every resource."
  type        = string
  default     = "imageplatform"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.project))
    error_message = "project must be lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "stage" {
  description = "Deployment stage (staging or production); the Zappa stage too unless zappa_stage says otherwise."
  type        = string

  validation {
    condition     = contains(["staging", "production"], var.stage)
    error_message = "stage must be staging or production."
  }
}

variable "zappa_stage" {
  description = "The Zappa stage deployed into this environment (its function is named imageplatform-<zappa_stage>); null means the same as stage."
  type        = string
  default     = null

  validation {
    condition     = var.zappa_stage == null || can(regex("^[a-z][a-z0-9_]*$", var.zappa_stage))
    error_message = "zappa_stage must be lower case letters, digits and underscores, starting with a letter."
  }
}

variable "bucket_name_prefix" {
  description = "Prefix of the globally unique bucket names (\"<prefix>-media\", \"-static\", \"-logs\", \"-deploy\"). Null means \"<project>-<stage>\"."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

################################################################################
# Shared definition (imageplatform/dynamodb.json)
################################################################################

variable "definition" {
  description = "The definition shared with the app: jsondecode(file(\"imageplatform/dynamodb.json\")). Its tables become DynamoDB tables; its s3_prefixes drive lifecycle rules, bucket policies, CloudFront paths and IAM."
  type = object({
    tables = map(object({
      setting          = string
      suffix           = string
      hash_key         = string
      range_key        = optional(string)
      attributes       = map(string)
      ttl_attribute    = optional(string)
      stream_view_type = optional(string)
      global_secondary_indexes = optional(list(object({
        name               = string
        hash_key           = string
        range_key          = optional(string)
        projection         = string
        non_key_attributes = optional(list(string))
      })), [])
    }))
    s3_prefixes = map(string)
  })

  validation {
    condition     = contains(["NEW_IMAGE", "NEW_AND_OLD_IMAGES"], try(var.definition.tables["invalidations"].stream_view_type, ""))
    error_message = "The definition needs the invalidations table, with a stream carrying new images (the CDN invalidator reads it)."
  }

  validation {
    condition     = length(setsubtract(["uploads", "originals", "renditions", "quarantine"], keys(var.definition.s3_prefixes))) == 0
    error_message = "s3_prefixes must define uploads, originals, renditions and quarantine."
  }

  validation {
    condition     = alltrue([for p in values(var.definition.s3_prefixes) : can(regex("^[a-z0-9-]+/$", p))])
    error_message = "Every s3 prefix is one path segment ending in \"/\"."
  }
}

################################################################################
# App (Zappa) hand-over
################################################################################

variable "app_domain_name" {
  description = "Domain of the API Gateway endpoint Zappa deploys (\"<id>.execute-api.<region>.amazonaws.com\"), the default origin of CloudFront."
  type        = string
}

variable "app_origin_path" {
  description = "Origin path on API Gateway. Null means \"/<stage>\", the stage path of Zappa's REST API; \"\" when the API has its own custom domain."
  type        = string
  default     = null
}

variable "lambda_timeout_seconds" {
  description = "Timeout of the function (Zappa's timeout_seconds), used by the duration alarm."
  type        = number
  default     = 60

  validation {
    condition     = var.lambda_timeout_seconds >= 1 && var.lambda_timeout_seconds <= 900
    error_message = "lambda_timeout_seconds must be 1-900."
  }
}

variable "lambda_sns_publish_topic_arns" {
  description = "SNS topics the function may publish to (none by default). From inside the VPC this also needs \"sns\" in interface_endpoints."
  type        = list(string)
  default     = []
}

variable "lambda_reserved_concurrency" {
  description = "Reserved concurrency of the function (Zappa reserved_concurrency): its ceiling, kept below what the database accepts (terraform/README.md)."
  type        = number
  default     = 10

  validation {
    condition     = var.lambda_reserved_concurrency >= 1 && floor(var.lambda_reserved_concurrency) == var.lambda_reserved_concurrency
    error_message = "lambda_reserved_concurrency must be a positive whole number."
  }
}

variable "database_conn_max_age" {
  description = "Seconds a warm function keeps its database connection (DATABASE_CONN_MAX_AGE). Null means 0 in staging, where an open connection would keep the database from pausing, and 300 in production."
  type        = number
  default     = null
}

variable "log_retention_days" {
  description = "Retention of the function's log group and the WAF logs, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

################################################################################
# Storage
################################################################################

variable "media_kms_key_arn" {
  description = "Customer managed KMS key for the media bucket (SSE-KMS). Null means SSE-S3. The key policy must let CloudFront (OAC) and the function use it."
  type        = string
  default     = null
}

variable "enable_transfer_acceleration" {
  description = "Whether S3 Transfer Acceleration is on for the media bucket."
  type        = bool
  default     = false
}

variable "lifecycle_days" {
  description = "Lifecycle of media objects, in days: abandoned direct uploads, quarantined files, noncurrent versions, incomplete multipart uploads, and access logs."
  type = object({
    uploads                    = optional(number, 1)
    quarantine                 = optional(number, 30)
    noncurrent_versions        = optional(number, 30)
    abort_incomplete_multipart = optional(number, 1)
    access_logs                = optional(number, 90)
  })
  default = {}

  validation {
    condition     = alltrue([for v in values(var.lifecycle_days) : v >= 1])
    error_message = "Every lifecycle period is at least one day."
  }
}

################################################################################
# Network and database
################################################################################

variable "vpc_cidr" {
  description = "IPv4 range of the platform's VPC."
  type        = string
  default     = "10.20.0.0/16"
}

variable "availability_zones" {
  description = "Two zones for the private subnets; null means \"<region>a\" and \"<region>b\"."
  type        = list(string)
  default     = null
}

variable "interface_endpoints" {
  description = "Services the function calls from the VPC without a gateway endpoint, each given an interface endpoint (costed in terraform/README.md)."
  type        = list(string)
  default     = ["secretsmanager"]
}

variable "interface_endpoint_zones" {
  description = "Zones each interface endpoint spans (1 halves the cost, 2 survives a zone outage)."
  type        = number
  default     = 2
}

variable "database" {
  description = "Aurora Serverless v2 settings; every null takes the stage's default (staging: 0-1 ACU with auto-pause, no protection or final snapshot, 1 day of backups; production: 0.5-4 ACU, deletion protection, final snapshot, 14 days)."
  type = object({
    min_capacity             = optional(number)
    max_capacity             = optional(number)
    seconds_until_auto_pause = optional(number)
    instance_count           = optional(number)
    deletion_protection      = optional(bool)
    final_snapshot           = optional(bool)
    backup_retention_days    = optional(number)
    engine_version           = optional(string)
  })
  default = {}
}

variable "secret_recovery_window_days" {
  description = "Days a deleted app secret can be restored (0 deletes at once, for disposable stacks)."
  type        = number
  default     = 30

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or 7 to 30."
  }
}

################################################################################
# Tables
################################################################################

variable "dynamodb_deletion_protection" {
  description = "Whether the tables have deletion protection. Null means on in production, off elsewhere."
  type        = bool
  default     = null
}

################################################################################
# CloudFront and WAF
################################################################################

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
  description = "Custom domain names of the site. Needs acm_certificate_arn."
  type        = list(string)
  default     = []
}

variable "acm_certificate_arn" {
  description = "ACM certificate (us-east-1) for the aliases."
  type        = string
  default     = null
}

variable "waf_rate_limit" {
  description = "Requests per IP per 5 minutes before the WAF blocks the IP."
  type        = number
  default     = 2000

  validation {
    condition     = var.waf_rate_limit >= 100 && var.waf_rate_limit <= 2000000000
    error_message = "waf_rate_limit must be between 100 and 2,000,000,000."
  }
}

variable "waf_api_public_paths" {
  description = "API paths reachable without an Authorization header."
  type        = list(string)
  default     = ["/api/v1/openapi.json", "/api/v1/docs"]
}

################################################################################
# Monitoring and malware scanning
################################################################################

variable "alarm_email" {
  description = "Email subscribed to the alarm topic. Null for none."
  type        = string
  default     = null
}

variable "malware_findings_topic_arn" {
  description = "With scanner = bucketav: the findings topic of BucketAV's own stack, whose policy is the vendor's. Null: this module creates the topic, and only bucketav_publisher_role_arn may publish to it. Either way its findings reach the function through the findings queue."
  type        = string
  default     = null

  validation {
    condition     = var.malware_findings_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:", var.malware_findings_topic_arn))
    error_message = "malware_findings_topic_arn must be an SNS topic ARN."
  }
}

variable "scanner" {
  description = "Malware scanner of direct uploads (GALLERY_SCANNER): none, clamd (a daemon the function reaches at clamd_url), bucketav (findings on an SNS topic) or guardduty (GuardDuty Malware Protection for S3, results through EventBridge). Terraform wires bucketav and guardduty."
  type        = string
  default     = "none"

  validation {
    condition     = contains(["none", "clamd", "bucketav", "guardduty"], var.scanner)
    error_message = "scanner must be none, clamd, bucketav or guardduty."
  }
}

variable "clamd_url" {
  description = "With scanner = clamd: where the function reaches clamd (GALLERY_CLAMD_URL, tcp://host:port inside the VPC). The daemon itself is not part of this stack."
  type        = string
  default     = null

  validation {
    condition     = var.clamd_url == null || can(regex("^(tcp://[^/:]+:[0-9]+|unix:///.+)$", var.clamd_url))
    error_message = "clamd_url must be tcp://host:port or unix:///path."
  }
}

variable "bucketav_publisher_role_arn" {
  description = "With scanner = bucketav and no malware_findings_topic_arn: the IAM role of BucketAV's scan fleet, the only principal allowed to publish to the findings topic this module creates."
  type        = string
  default     = null

  validation {
    condition     = var.bucketav_publisher_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", var.bucketav_publisher_role_arn))
    error_message = "bucketav_publisher_role_arn must be an IAM role ARN."
  }
}

variable "scan_findings_max_receives" {
  description = "Deliveries of a scan finding to the function before it goes to the dead-letter queue (alarmed)."
  type        = number
  default     = 5

  validation {
    condition     = var.scan_findings_max_receives >= 1 && var.scan_findings_max_receives <= 1000
    error_message = "scan_findings_max_receives must be 1-1000."
  }
}
