output "oidc_provider_arn" {
  description = "The IAM OIDC provider of token.actions.githubusercontent.com (created here or passed in)."
  value       = try(local.oidc_provider_arn, null)
}

output "plan_role_arn" {
  description = "Role for `terraform plan` on pull requests (GitHub variable AWS_PLAN_ROLE_ARN_<STAGE>)."
  value       = try(aws_iam_role.plan.arn, null)
}

output "plan_role_name" {
  description = "Name of the plan role."
  value       = try(aws_iam_role.plan.name, null)
}

output "deploy_role_arn" {
  description = "Role of the deploy jobs in the GitHub environment (environment variable AWS_DEPLOY_ROLE_ARN)."
  value       = try(aws_iam_role.deploy.arn, null)
}

output "deploy_role_name" {
  description = "Name of the deploy role."
  value       = try(aws_iam_role.deploy.name, null)
}

output "plan_subjects" {
  description = "The token subjects the plan role trusts."
  value       = try(local.plan_subjects, [])
}

output "deploy_subjects" {
  description = "The token subjects the deploy role trusts."
  value       = try(local.deploy_subjects, [])
}

output "plan_trust_policy" {
  description = "Trust policy of the plan role (for tests and reviews)."
  value       = try(local.trust_policies.plan, null)
}

output "deploy_trust_policy" {
  description = "Trust policy of the deploy role (for tests and reviews)."
  value       = try(local.trust_policies.deploy, null)
}

output "plan_policy" {
  description = "Permissions of the plan role."
  value       = try(local.plan_policy, null)
}

output "deploy_policies" {
  description = "Permissions of the deploy role: infrastructure (terraform apply) and code (Zappa, static files, invalidation)."
  value       = try({ infrastructure = local.deploy_infrastructure_policy, code = local.deploy_code_policy }, null)
}
