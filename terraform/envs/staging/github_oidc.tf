# GitHub Actions' access to this environment (docs/ci-cd.md): OIDC roles made here, no
# long-lived keys. Nothing is created until github_repository names the repository
# (e.g. github_repository = "acme/imageplatform" in terraform.tfvars). An administrator
# applies this module (terraform apply -target=module.github_oidc): the deploy role cannot
# change the CI roles, and scripts/ci_plan_guard.py refuses plans that would.

variable "github_repository" {
  description = "GitHub repository (\"owner/name\") whose workflows may plan and deploy this environment; null creates no CI role."
  type        = string
  default     = null
}

variable "github_oidc_provider_arn" {
  description = "Existing IAM OIDC provider of token.actions.githubusercontent.com in this account (one per account); null creates it."
  type        = string
  default     = null
}

variable "github_deploy_allow_main_branch" {
  description = "Whether the deploy role also trusts main-branch jobs without an environment (off: only jobs of the GitHub environment \"staging\")."
  type        = bool
  default     = false
}

variable "github_state_bucket" {
  description = "State bucket of this root (as in versions.tf, or the -backend-config bucket)."
  type        = string
  default     = "imageplatform-terraform-state"
}

module "github_oidc" {
  source = "../../modules/github_oidc"
  count  = var.github_repository == null ? 0 : 1

  repository               = var.github_repository
  name_prefix              = "imageplatform-${local.stage}"
  deploy_environment       = "staging"
  deploy_allow_main_branch = var.github_deploy_allow_main_branch
  oidc_provider_arn        = var.github_oidc_provider_arn
  region                   = var.region
  state                    = { bucket = var.github_state_bucket, key = "envs/staging/terraform.tfstate" }

  lambda_function_name       = module.platform.lambda_function_name # imageplatform-dev (Zappa's dev stage)
  lambda_role_arn            = module.platform.lambda_role_arn
  bucket_names               = [module.platform.gallery_bucket, module.platform.static_bucket, module.platform.logs_bucket, module.platform.deploy_bucket]
  static_bucket_name         = module.platform.static_bucket
  deploy_bucket_name         = module.platform.deploy_bucket
  cloudfront_distribution_id = module.platform.cloudfront_distribution_id
}

output "github_plan_role_arn" {
  description = "Role of the pull-request plan (GitHub repository variable AWS_PLAN_ROLE_ARN_STAGING)."
  value       = try(module.github_oidc[0].plan_role_arn, null)
}

output "github_deploy_role_arn" {
  description = "Role of the deploy jobs (variable AWS_DEPLOY_ROLE_ARN of the GitHub environment \"staging\")."
  value       = try(module.github_oidc[0].deploy_role_arn, null)
}

output "github_oidc_provider_arn" {
  description = "The account's OIDC provider for GitHub Actions."
  value       = try(module.github_oidc[0].oidc_provider_arn, null)
}
