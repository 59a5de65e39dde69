variable "repository" {
  description = "The GitHub repository whose workflows may assume the roles, as \"owner/name\" (exactly; no wildcard)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$", var.repository))
    error_message = "repository must be \"owner/name\" with no wildcard or other special character."
  }
}

variable "name_prefix" {
  description = "Prefix of the names of the stack's resources (\"<project>-<stage>\", e.g. imageplatform-staging). The deploy role manages tables, topics, alarms, roles and the web ACL under it. The CI roles themselves are named \"github-<name_prefix>-plan|deploy\", outside that prefix, so the deploy role cannot change them."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{2,40}$", var.name_prefix))
    error_message = "name_prefix must be lowercase letters, digits and hyphens (3-41 characters)."
  }
}

variable "deploy_environment" {
  description = "The GitHub environment of the deploy jobs of this stack (staging or production): the deploy role trusts only tokens of jobs in it (sub \"repo:<repository>:environment:<name>\")."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]+$", var.deploy_environment))
    error_message = "deploy_environment must be a plain environment name (letters, digits, _ and -)."
  }
}

variable "deploy_allow_main_branch" {
  description = "Whether the deploy role also trusts jobs of the main branch that use no environment (sub \"repo:<repository>:ref:refs/heads/main\"). Off: every deploy job names its environment, whose protection rules then apply."
  type        = bool
  default     = false
}

variable "oidc_provider_arn" {
  description = "ARN of an existing IAM OIDC provider for token.actions.githubusercontent.com (there is one per account). Null creates it."
  type        = string
  default     = null
}

variable "region" {
  description = "Region of the stack (Lambda, API Gateway, tables, log groups)."
  type        = string
}

variable "state" {
  description = "The Terraform state of this stack: S3 bucket and key (the lock file is \"<key>.tflock\"), and a DynamoDB lock table ARN when one is used (Terraform < 1.10)."
  type = object({
    bucket         = string
    key            = string
    lock_table_arn = optional(string)
  })
}

variable "lambda_function_name" {
  description = "Name of the Zappa function (\"<project>-<zappa stage>\"), which the deploy role creates, updates, invokes (manage) and rolls back; also the name of Zappa's CloudFormation stack and keep-warm rule."
  type        = string
}

variable "lambda_role_arn" {
  description = "The function's execution role (made by the platform module), which the deploy role may pass to Lambda and API Gateway."
  type        = string
}

variable "bucket_names" {
  description = "Names of the buckets of the stack (media, static, logs, deploy): their configuration is managed by the deploy role and read by the plan role. Objects are not readable through this list."
  type        = list(string)
}

variable "static_bucket_name" {
  description = "The static files bucket: the deploy role writes objects there (static/ and the deploy-state/ snapshot)."
  type        = string
}

variable "deploy_bucket_name" {
  description = "Zappa's package bucket (s3_bucket): the deploy role writes and reads objects there."
  type        = string
}

variable "cloudfront_distribution_id" {
  description = "The CloudFront distribution the deploy role invalidates."
  type        = string
}

variable "manage_network_and_database" {
  description = "Whether the stack has the private network (VPC, subnets, endpoints, security groups, flow logs), Aurora and the Secrets Manager app secret named after name_prefix, so that the roles may plan and apply them."
  type        = bool
  default     = true
}

variable "extra_deploy_statements" {
  description = "More IAM statements for the deploy role, for resources added to the stack later (VPC, database, secrets): list of {sid, actions, resources}. Keep them scoped."
  type = list(object({
    sid       = string
    actions   = list(string)
    resources = list(string)
  }))
  default = []
}

variable "extra_plan_statements" {
  description = "More read-only IAM statements for the plan role (Get/List/Describe actions only): list of {sid, actions, resources}."
  type = list(object({
    sid       = string
    actions   = list(string)
    resources = list(string)
  }))
  default = []

  validation {
    condition = alltrue(flatten([
      for s in var.extra_plan_statements : [for a in s.actions : can(regex("^[a-z0-9-]+:(Get|List|Describe)[A-Za-z]*$", a))]
    ]))
    error_message = "The plan role is read-only: extra_plan_statements may only hold Get*, List* and Describe* actions."
  }
}

variable "max_session_duration" {
  description = "Longest session of either role, in seconds (the deploy job must finish within it)."
  type        = number
  default     = 3600

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 7200
    error_message = "max_session_duration must be between 3600 and 7200 seconds."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
