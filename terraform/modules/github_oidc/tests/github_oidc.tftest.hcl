# The CI roles, offline: the AWS provider is mocked. The trust conditions are the point:
# exact audience and subjects, StringEquals only, no wildcard that lets another
# repository, branch, fork or environment in.
mock_provider "aws" {
  source = "../../tests/mocks"

  mock_resource "aws_iam_openid_connect_provider" {
    defaults = {
      arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    }
  }
}

variables {
  repository                 = "acme/imageplatform"
  name_prefix                = "imageplatform-staging"
  deploy_environment         = "staging"
  region                     = "eu-west-1"
  state                      = { bucket = "imageplatform-terraform-state", key = "envs/staging/terraform.tfstate" }
  lambda_function_name       = "imageplatform-dev"
  lambda_role_arn            = "arn:aws:iam::123456789012:role/imageplatform-staging-lambda"
  bucket_names               = ["st-media", "st-static", "st-logs", "st-deploy"]
  static_bucket_name         = "st-static"
  deploy_bucket_name         = "st-deploy"
  cloudfront_distribution_id = "E2EXAMPLE12345"
}

run "plan_role_trusts_only_pull_requests_of_the_repository" {
  command = apply

  assert {
    condition     = length(output.plan_trust_policy.Statement) == 1 && output.plan_trust_policy.Statement[0].Effect == "Allow"
    error_message = "One Allow statement."
  }

  assert {
    condition     = output.plan_trust_policy.Statement[0].Action == "sts:AssumeRoleWithWebIdentity"
    error_message = "Only web identity (OIDC) assumption."
  }

  assert {
    condition     = output.plan_trust_policy.Statement[0].Principal == { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
    error_message = "Only GitHub's OIDC provider of the account is trusted."
  }

  assert {
    condition = output.plan_trust_policy.Statement[0].Condition == {
      StringEquals = {
        "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
        "token.actions.githubusercontent.com:sub" = ["repo:acme/imageplatform:pull_request"]
      }
    }
    error_message = "aud is sts.amazonaws.com and sub exactly repo:acme/imageplatform:pull_request, compared with StringEquals (no StringLike)."
  }

  assert {
    condition     = jsondecode(aws_iam_role.plan.assume_role_policy) == output.plan_trust_policy
    error_message = "The role carries the tested trust policy."
  }

  assert {
    condition     = aws_iam_role.plan.name == "github-imageplatform-staging-plan" && aws_iam_role.deploy.name == "github-imageplatform-staging-deploy"
    error_message = "The CI roles are named outside the stack's prefix, which the deploy role manages."
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.this) == 1 && aws_iam_openid_connect_provider.this[0].url == "https://token.actions.githubusercontent.com" && aws_iam_openid_connect_provider.this[0].client_id_list == toset(["sts.amazonaws.com"])
    error_message = "Without oidc_provider_arn the provider is created for GitHub's issuer and STS audience."
  }
}

run "deploy_role_trusts_only_the_environment_of_the_stack" {
  command = apply

  assert {
    condition = output.deploy_trust_policy.Statement[0].Condition == {
      StringEquals = {
        "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
        "token.actions.githubusercontent.com:sub" = ["repo:acme/imageplatform:environment:staging"]
      }
    }
    error_message = "The deploy role trusts exactly repo:acme/imageplatform:environment:staging."
  }

  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy) == output.deploy_trust_policy
    error_message = "The role carries the tested trust policy."
  }

  assert {
    condition = alltrue([
      for s in concat(output.plan_subjects, output.deploy_subjects) :
      !strcontains(s, "*") && !strcontains(s, "?") && startswith(s, "repo:acme/imageplatform:")
    ])
    error_message = "No subject holds a wildcard; every one names this repository."
  }
}

run "production_deploy_role_and_main_branch_subject" {
  command = apply

  variables {
    name_prefix              = "imageplatform-production"
    deploy_environment       = "production"
    deploy_allow_main_branch = true
    oidc_provider_arn        = "arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com"
    state                    = { bucket = "state", key = "production.tfstate", lock_table_arn = "arn:aws:dynamodb:eu-west-1:210987654321:table/terraform-locks" }
  }

  assert {
    condition     = output.deploy_trust_policy.Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == ["repo:acme/imageplatform:environment:production", "repo:acme/imageplatform:ref:refs/heads/main"]
    error_message = "With deploy_allow_main_branch, exactly the production environment and refs/heads/main."
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.this) == 0 && output.deploy_trust_policy.Statement[0].Principal.Federated == "arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com"
    error_message = "An existing provider is used, not created; the account comes from its ARN."
  }

  assert {
    condition     = [for s in output.deploy_policies.infrastructure.Statement : s.Resource if s.Sid == "LockTable"] == ["arn:aws:dynamodb:eu-west-1:210987654321:table/terraform-locks"]
    error_message = "With a lock table, the deploy role may lock the state in it."
  }

  assert {
    condition     = contains(output.deploy_policies.code.Statement[0].Resource, "arn:aws:lambda:eu-west-1:210987654321:function:imageplatform-dev")
    error_message = "The function ARN is built from the region and the provider's account."
  }
}

run "plan_role_is_read_only" {
  command = apply

  assert {
    condition = alltrue(flatten([
      for s in output.plan_policy.Statement : [
        for a in flatten([s.Action]) : can(regex("^[a-z0-9-]+:(Get|List|Describe)", a))
      ]
    ]))
    error_message = "The plan role holds only Get*, List* and Describe* actions."
  }

  assert {
    condition     = length([for s in output.deploy_policies.infrastructure.Statement : s if s.Sid == "LockTable"]) == 0
    error_message = "Without a lock table, no DynamoDB lock permission."
  }

  assert {
    condition = alltrue([
      for s in output.plan_policy.Statement : s.Effect == "Allow" && (
        s.Resource != "*" || alltrue([for a in flatten([s.Action]) : contains(["ec2:Describe*", "secretsmanager:GetRandomPassword"], a)])
      )
    ])
    error_message = "Resource \"*\" only for calls without resource-level permissions (EC2's Describe*, GetRandomPassword)."
  }

  assert {
    condition = [
      for s in output.plan_policy.Statement : s.Resource if contains(flatten([s.Action]), "s3:GetObject")
    ] == ["arn:aws:s3:::imageplatform-terraform-state/envs/staging/terraform.tfstate"]
    error_message = "The only object the plan role reads is the state."
  }
}

run "deploy_role_is_scoped_and_cannot_change_ci_access" {
  command = apply

  assert {
    condition = (
      one([for st in output.deploy_policies.infrastructure.Statement : st.Resource if st.Sid == "InvalidatorFunction"]) == "arn:aws:lambda:${var.region}:123456789012:function:${var.name_prefix}-invalidator" &&
      one([for st in output.deploy_policies.infrastructure.Statement : st.Resource if st.Sid == "PassInvalidatorRole"]) == "arn:aws:iam::123456789012:role/${var.name_prefix}-invalidator" &&
      one([for st in output.deploy_policies.infrastructure.Statement : st.Resource if st.Sid == "Queues"]) == ["arn:aws:sqs:${var.region}:123456789012:${var.name_prefix}-*"] &&
      one([for st in output.deploy_policies.infrastructure.Statement : st.Resource if st.Sid == "ScanResultRule"]) == ["arn:aws:events:${var.region}:123456789012:rule/${var.name_prefix}-*"]
    )
    error_message = "Terraform's deploy role manages the invalidator, its mapping, the stack's queues and the scan-result rule, by name."
  }

  assert {
    condition = alltrue([
      for s in concat(output.deploy_policies.infrastructure.Statement, output.deploy_policies.code.Statement) :
      !contains(flatten([s.Resource]), "*") || alltrue([
        for a in flatten([s.Action]) : contains(["ec2:Describe*", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "secretsmanager:GetRandomPassword"], a)
      ]) || (s.Action == "lambda:CreateEventSourceMapping" && contains([":function:${var.name_prefix}-invalidator", ":function:${var.lambda_function_name}"], try(regex(":function:[^:]+$", s.Condition.StringEquals["lambda:FunctionArn"]), ""))) || s.Action == "lambda:ListEventSourceMappings"
    ])
    error_message = "Resource \"*\" only for calls without resource-level permissions (EC2's Describe*, GetRandomPassword)."
  }

  assert {
    condition = anytrue([
      for s in output.deploy_policies.infrastructure.Statement :
      s.Effect == "Deny" && contains(flatten([s.Action]), "iam:PutRolePolicy") && contains(flatten([s.Action]), "iam:UpdateAssumeRolePolicy") &&
      contains(flatten([s.Resource]), "arn:aws:iam::123456789012:role/github-imageplatform-staging-deploy") &&
      contains(flatten([s.Resource]), "arn:aws:iam::123456789012:role/github-imageplatform-staging-plan") &&
      contains(flatten([s.Resource]), "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com")
    ])
    error_message = "The deploy role is denied every IAM write on the CI roles and the OIDC provider."
  }

  assert {
    condition = anytrue([
      for s in output.deploy_policies.infrastructure.Statement :
      s.Effect == "Deny" && contains(flatten([s.Action]), "dynamodb:DeleteTable") && contains(flatten([s.Action]), "s3:DeleteBucket") &&
      contains(flatten([s.Action]), "rds:DeleteDBCluster") && contains(flatten([s.Action]), "secretsmanager:DeleteSecret")
    ])
    error_message = "Deleting tables, buckets, the database and secrets is denied."
  }

  assert {
    condition = [for s in output.deploy_policies.code.Statement : {
      resource = s.Resource, services = s.Condition.StringEquals["iam:PassedToService"] } if s.Sid == "PassExecutionRole"
      ] == [{
        resource = "arn:aws:iam::123456789012:role/imageplatform-staging-lambda"
        services = ["lambda.amazonaws.com", "apigateway.amazonaws.com"]
    }]
    error_message = "Only the function's execution role may be passed, and only to Lambda and API Gateway."
  }

  assert {
    condition     = [for s in output.deploy_policies.code.Statement : s.Resource if s.Sid == "Invalidate"] == ["arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE12345"]
    error_message = "Invalidations only on the stack's distribution."
  }

  assert {
    condition     = [for s in output.deploy_policies.infrastructure.Statement : s.Resource if s.Sid == "StackRoles"] == [["arn:aws:iam::123456789012:role/imageplatform-staging-*"]]
    error_message = "IAM writes only on the stack's roles (whose prefix the CI roles do not share)."
  }
}

run "without_network_and_database_no_ec2_rds_or_secrets" {
  command = apply

  variables {
    manage_network_and_database = false
  }

  assert {
    condition = alltrue([
      for s in concat(output.plan_policy.Statement, output.deploy_policies.infrastructure.Statement) :
      s.Effect == "Deny" || alltrue([for a in flatten([s.Action]) : !startswith(a, "ec2:") && !startswith(a, "rds:") && !startswith(a, "secretsmanager:")])
    ])
    error_message = "No EC2, RDS or Secrets Manager permission when the stack has none of them."
  }

  assert {
    condition     = alltrue([for s in output.plan_policy.Statement : s.Resource != "*"])
    error_message = "Then no Resource \"*\" at all in the plan role."
  }
}

run "wildcard_repository_is_refused" {
  command = plan

  variables {
    repository = "acme/*"
  }

  expect_failures = [var.repository]
}

run "repository_of_another_shape_is_refused" {
  command = plan

  variables {
    repository = "repo:acme/imageplatform:*"
  }

  expect_failures = [var.repository]
}

run "wildcard_environment_is_refused" {
  command = plan

  variables {
    deploy_environment = "*"
  }

  expect_failures = [var.deploy_environment]
}

run "plan_role_extras_must_be_read_only" {
  command = plan

  variables {
    extra_plan_statements = [{ sid = "Oops", actions = ["secretsmanager:GetSecretValue", "ec2:CreateVpc"], resources = ["*"] }]
  }

  expect_failures = [var.extra_plan_statements]
}
