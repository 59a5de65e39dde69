# IAM roles that GitHub Actions assumes through the account's OIDC provider: no long-lived
# keys anywhere. Two roles per stack:
#   plan   - pull requests of the repository (sub "repo:<repository>:pull_request"); reads
#            the state and the stack's resources, changes nothing (`terraform plan -lock=false`);
#   deploy - jobs of the stack's GitHub environment (sub "repo:<repository>:environment:<env>");
#            applies Terraform, deploys the function with Zappa, uploads static files and
#            invalidates CloudFront. Scoped to the stack's names and ARNs.
# Neither role can change itself: both are named outside the stack's prefix, and the deploy
# role denies every IAM write on them and on the OIDC provider.

data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition
  issuer    = "token.actions.githubusercontent.com"
  audience  = "sts.amazonaws.com"

  oidc_provider_arn = var.oidc_provider_arn != null ? var.oidc_provider_arn : aws_iam_openid_connect_provider.this[0].arn
  account_id        = split(":", local.oidc_provider_arn)[4]

  plan_role_name   = "github-${var.name_prefix}-plan"
  deploy_role_name = "github-${var.name_prefix}-deploy"

  # Exact subjects, compared with StringEquals: no other repository, branch, fork or environment.
  plan_subjects = ["repo:${var.repository}:pull_request"]
  deploy_subjects = concat(
    ["repo:${var.repository}:environment:${var.deploy_environment}"],
    var.deploy_allow_main_branch ? ["repo:${var.repository}:ref:refs/heads/main"] : [],
  )

  trust_policies = {
    for role, subjects in { plan = local.plan_subjects, deploy = local.deploy_subjects } : role => {
      Version                    = "2012-10-17"
      Statement = [{
        Sid       = "GitHubActions"
        Effect    = "Allow"
        Action    = "sts:AssumeRoleWithWebIdentity"
        Principal = { Federated = local.oidc_provider_arn }
        Condition = {
          StringEquals = {
            "${local.issuer}:aud" = local.audience
            "${local.issuer}:sub" = subjects
          }
        }
      }]
    }
  }

  tags = merge(var.tags, { ManagedBy = "terraform", Purpose = "github-actions" })
}

################################################################################
# OIDC provider (one per account: pass oidc_provider_arn where it already exists)
################################################################################

resource "aws_iam_openid_connect_provider" "this" {
  count = var.oidc_provider_arn == null ? 1 : 0

  url            = "https://${local.issuer}"
  client_id_list = [local.audience]
  tags           = local.tags
}

################################################################################
# ARNs the roles may touch
################################################################################

locals {
  arn_prefix = {
    lambda         = "arn:${local.partition}:lambda:${var.region}:${local.account_id}"
    dynamodb       = "arn:${local.partition}:dynamodb:${var.region}:${local.account_id}"
    logs           = "arn:${local.partition}:logs:${var.region}:${local.account_id}"
    events         = "arn:${local.partition}:events:${var.region}:${local.account_id}"
    cloudformation = "arn:${local.partition}:cloudformation:${var.region}:${local.account_id}"
    iam            = "arn:${local.partition}:iam::${local.account_id}"
    cloudfront     = "arn:${local.partition}:cloudfront::${local.account_id}"
  }

  state_object    = "arn:${local.partition}:s3:::${var.state.bucket}/${var.state.key}"
  state_lock      = "${local.state_object}.tflock"
  state_bucket    = "arn:${local.partition}:s3:::${var.state.bucket}"
  bucket_arns     = sort([for b in distinct(var.bucket_names) : "arn:${local.partition}:s3:::${b}"])
  static_bucket   = "arn:${local.partition}:s3:::${var.static_bucket_name}"
  deploy_bucket   = "arn:${local.partition}:s3:::${var.deploy_bucket_name}"
  function_arns   = ["${local.arn_prefix.lambda}:function:${var.lambda_function_name}", "${local.arn_prefix.lambda}:function:${var.lambda_function_name}:*"]
  distribution    = "${local.arn_prefix.cloudfront}:distribution/${var.cloudfront_distribution_id}"
  table_arns      = ["${local.arn_prefix.dynamodb}:table/${var.name_prefix}-*", "${local.arn_prefix.dynamodb}:table/${var.name_prefix}-*/index/*"]
  stack_role_arns = ["${local.arn_prefix.iam}:role/${var.name_prefix}-*"]
  # The stack's own small resources beside the Zappa function: the takedown invalidator
  # (function, its stream mapping and failure queue) and the scanners' findings queue,
  # EventBridge rule and GuardDuty plan.
  invalidator_function_arn = "${local.arn_prefix.lambda}:function:${var.name_prefix}-invalidator"
  event_source_mappings    = "${local.arn_prefix.lambda}:event-source-mapping:*"
  queue_arns               = ["arn:${local.partition}:sqs:${var.region}:${local.account_id}:${var.name_prefix}-*"]
  stack_rule_arns          = ["${local.arn_prefix.events}:rule/${var.name_prefix}-*"]
  malware_plan_arns        = ["arn:${local.partition}:guardduty:${var.region}:${local.account_id}:malware-protection-plan/*"]
  ci_role_arns             = ["${local.arn_prefix.iam}:role/${local.plan_role_name}", "${local.arn_prefix.iam}:role/${local.deploy_role_name}"]
  log_group_arns = [
    "${local.arn_prefix.logs}:log-group:/aws/lambda/${var.lambda_function_name}",
    "${local.arn_prefix.logs}:log-group:/aws/lambda/${var.lambda_function_name}:*",
    "arn:${local.partition}:logs:us-east-1:${local.account_id}:log-group:aws-waf-logs-${var.name_prefix}*",
  ]
  topic_arns = [
    for region in distinct([var.region, "us-east-1"]) : "arn:${local.partition}:sns:${region}:${local.account_id}:${var.name_prefix}-*"
  ]
  alarm_arns = [
    for region in distinct([var.region, "us-east-1"]) : "arn:${local.partition}:cloudwatch:${region}:${local.account_id}:alarm:${var.name_prefix}-*"
  ]
  rds_arns = [
    for kind in ["cluster", "db", "subgrp", "cluster-pg", "cluster-snapshot"] :
    "arn:${local.partition}:rds:${var.region}:${local.account_id}:${kind}:${var.name_prefix}*"
  ]
  secret_arns    = ["arn:${local.partition}:secretsmanager:${var.region}:${local.account_id}:secret:${var.name_prefix}/*"]
  rds_secret_arn = "arn:${local.partition}:secretsmanager:${var.region}:${local.account_id}:secret:rds!cluster-*"
  ec2_arn        = "arn:${local.partition}:ec2:${var.region}:${local.account_id}"
  web_acl_arns = [
    "arn:${local.partition}:wafv2:us-east-1:${local.account_id}:global/webacl/${var.name_prefix}*/*",
    "arn:${local.partition}:wafv2:us-east-1:${local.account_id}:global/managedruleset/*/*",
  ]
}

################################################################################
# Plan role: read-only
################################################################################

resource "aws_iam_role" "plan" {
  name                 = local.plan_role_name
  description          = "GitHub Actions, pull requests of ${var.repository}: terraform plan of ${var.name_prefix} (read-only)."
  assume_role_policy   = jsonencode(local.trust_policies.plan)
  max_session_duration = var.max_session_duration
  tags                 = local.tags
}

resource "aws_iam_role_policy" "plan" {
  name   = "read-only"
  role   = aws_iam_role.plan.id
  policy = jsonencode(local.plan_policy)
}

locals {
  plan_policy = {
    Version = "2012-10-17"
    Statement = concat([
      {
        # The state is read; plans run with -lock=false, so no lock file is written.
        Sid      = "ReadState"
        Effect   = "Allow"
        Action   = "s3:GetObject"
        Resource = local.state_object
      },
      {
        Sid      = "ListStateBucket"
        Effect   = "Allow"
        Action   = "s3:ListBucket"
        Resource = local.state_bucket
      },
      {
        # Bucket-level reads only: the resources are bucket ARNs, so no object is readable.
        Sid      = "ReadBucketConfiguration"
        Effect   = "Allow"
        Action   = ["s3:ListBucket", "s3:GetBucket*", "s3:GetLifecycleConfiguration", "s3:GetEncryptionConfiguration", "s3:GetAccelerateConfiguration", "s3:GetReplicationConfiguration"]
        Resource = local.bucket_arns
      },
      {
        Sid      = "ReadTables"
        Effect   = "Allow"
        Action   = ["dynamodb:Describe*", "dynamodb:ListTagsOfResource"]
        Resource = local.table_arns
      },
      {
        Sid      = "ReadRoles"
        Effect   = "Allow"
        Action   = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListRoleTags"]
        Resource = concat(local.stack_role_arns, local.ci_role_arns)
      },
      {
        Sid      = "ReadOidcProvider"
        Effect   = "Allow"
        Action   = "iam:GetOpenIDConnectProvider"
        Resource = local.oidc_provider_arn
      },
      {
        Sid      = "ReadFunction"
        Effect   = "Allow"
        Action   = ["lambda:Get*", "lambda:List*"]
        Resource = local.function_arns
      },
      {
        Sid      = "ReadInvalidator"
        Effect   = "Allow"
        Action   = ["lambda:Get*", "lambda:List*"]
        Resource = [local.invalidator_function_arn, local.event_source_mappings]
      },
      {
        Sid      = "ReadQueuesRulesAndMalwarePlan"
        Effect   = "Allow"
        Action   = ["sqs:GetQueueAttributes", "sqs:ListQueueTags", "events:DescribeRule", "events:ListTargetsByRule", "events:ListTagsForResource", "guardduty:GetMalwareProtectionPlan", "guardduty:ListTagsForResource"]
        Resource = concat(local.queue_arns, local.stack_rule_arns, local.malware_plan_arns)
      },
      {
        Sid      = "ReadLogGroups"
        Effect   = "Allow"
        Action   = ["logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:ListTagsLogGroup"]
        Resource = concat(local.log_group_arns, ["${local.arn_prefix.logs}:log-group:*"])
      },
      {
        Sid      = "ReadTopicsAndAlarms"
        Effect   = "Allow"
        Action   = ["sns:GetTopicAttributes", "sns:GetSubscriptionAttributes", "sns:ListTagsForResource", "sns:ListSubscriptionsByTopic", "cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"]
        Resource = concat(local.topic_arns, [for t in local.topic_arns : "${t}:*"], local.alarm_arns)
      },
      {
        Sid      = "ReadWebAcl"
        Effect   = "Allow"
        Action   = ["wafv2:GetWebACL", "wafv2:GetLoggingConfiguration", "wafv2:ListTagsForResource", "wafv2:DescribeManagedRuleGroup"]
        Resource = local.web_acl_arns
      },
      {
        # CloudFront resources of this account only (distribution, OAC, policies, keys, functions).
        Sid      = "ReadCloudFront"
        Effect   = "Allow"
        Action   = ["cloudfront:Get*", "cloudfront:List*", "cloudfront:DescribeFunction"]
        Resource = "${local.arn_prefix.cloudfront}:*"
      },
      ],
      [for s in local.network_plan_statements : s if var.manage_network_and_database],
      [for s in var.extra_plan_statements : { Sid = s.sid, Effect = "Allow", Action = s.actions, Resource = s.resources }],
    )
  }
}

################################################################################
# Deploy role: terraform apply, Zappa, static files, invalidation
################################################################################

resource "aws_iam_role" "deploy" {
  name                 = local.deploy_role_name
  description          = "GitHub Actions, environment ${var.deploy_environment} of ${var.repository}: apply and deploy ${var.name_prefix}."
  assume_role_policy   = jsonencode(local.trust_policies.deploy)
  max_session_duration = var.max_session_duration
  tags                 = local.tags
}

resource "aws_iam_role_policy" "deploy_infrastructure" {
  name   = "terraform-apply"
  role   = aws_iam_role.deploy.id
  policy = jsonencode(local.deploy_infrastructure_policy)
}

resource "aws_iam_role_policy" "deploy_code" {
  name   = "zappa-deploy"
  role   = aws_iam_role.deploy.id
  policy = jsonencode(local.deploy_code_policy)
}

locals {
  # What `terraform apply` of the stack needs. No delete of tables, buckets or the
  # distribution (denied below: an administrator does those by hand).
  deploy_infrastructure_policy = {
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid      = "StateAndLock"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = local.state_object
      },
      {
        Sid      = "LockFile"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = local.state_lock
      },
      {
        Sid      = "ListStateBucket"
        Effect   = "Allow"
        Action   = "s3:ListBucket"
        Resource = local.state_bucket
      },
      {
        # Bucket-level configuration only: the resources are bucket ARNs, not objects.
        Sid    = "BucketConfiguration"
        Effect = "Allow"
        Action = [
          "s3:CreateBucket", "s3:ListBucket", "s3:GetBucket*", "s3:PutBucket*", "s3:DeleteBucketPolicy",
          "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration",
          "s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration",
          "s3:GetAccelerateConfiguration", "s3:PutAccelerateConfiguration", "s3:GetReplicationConfiguration",
        ]
        Resource = local.bucket_arns
      },
      {
        Sid    = "Tables"
        Effect = "Allow"
        Action = [
          "dynamodb:CreateTable", "dynamodb:UpdateTable", "dynamodb:Describe*",
          "dynamodb:UpdateContinuousBackups", "dynamodb:UpdateTimeToLive",
          "dynamodb:TagResource", "dynamodb:UntagResource", "dynamodb:ListTagsOfResource",
        ]
        Resource = local.table_arns
      },
      {
        # The stack's own roles (the function's execution role). The CI roles are outside
        # this prefix and denied below.
        Sid    = "StackRoles"
        Effect = "Allow"
        Action = [
          "iam:CreateRole", "iam:GetRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole",
          "iam:GetRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:ListRolePolicies",
          "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:ListRoleTags",
        ]
        Resource = local.stack_role_arns
      },
      {
        Sid      = "ReadCiRoles"
        Effect   = "Allow"
        Action   = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListRoleTags", "iam:GetOpenIDConnectProvider"]
        Resource = concat(local.ci_role_arns, [local.oidc_provider_arn])
      },
      {
        Sid    = "LogGroups"
        Effect = "Allow"
        Action = [
          "logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:DescribeLogGroups",
          "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource", "logs:TagLogGroup", "logs:ListTagsLogGroup",
        ]
        Resource = concat(local.log_group_arns, ["${local.arn_prefix.logs}:log-group:*"])
      },
      {
        Sid    = "TopicsAndAlarms"
        Effect = "Allow"
        Action = [
          "sns:CreateTopic", "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:TagResource", "sns:UntagResource",
          "sns:ListTagsForResource", "sns:Subscribe", "sns:Unsubscribe", "sns:GetSubscriptionAttributes",
          "sns:SetSubscriptionAttributes", "sns:ListSubscriptionsByTopic",
          "cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms", "cloudwatch:TagResource",
          "cloudwatch:UntagResource", "cloudwatch:ListTagsForResource",
        ]
        Resource = concat(local.topic_arns, [for t in local.topic_arns : "${t}:*"], local.alarm_arns)
      },
      {
        Sid    = "WebAcl"
        Effect = "Allow"
        Action = [
          "wafv2:CreateWebACL", "wafv2:UpdateWebACL", "wafv2:GetWebACL", "wafv2:ListTagsForResource",
          "wafv2:TagResource", "wafv2:UntagResource", "wafv2:PutLoggingConfiguration",
          "wafv2:GetLoggingConfiguration", "wafv2:DescribeManagedRuleGroup",
        ]
        Resource = local.web_acl_arns
      },
      {
        # WAF logging to CloudWatch Logs: delivery and the log group's resource policy.
        Sid      = "WafLogDelivery"
        Effect   = "Allow"
        Action   = ["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies"]
        Resource = "arn:${local.partition}:logs:us-east-1:${local.account_id}:*"
      },
      {
        # CloudFront resources of this account (distribution, OAC, cache and header
        # policies, public key, key group, viewer function). No delete of the distribution.
        Sid    = "CloudFront"
        Effect = "Allow"
        Action = [
          "cloudfront:Get*", "cloudfront:List*", "cloudfront:DescribeFunction",
          "cloudfront:CreateDistribution", "cloudfront:UpdateDistribution", "cloudfront:TagResource", "cloudfront:UntagResource",
          "cloudfront:CreateOriginAccessControl", "cloudfront:UpdateOriginAccessControl",
          "cloudfront:CreateCachePolicy", "cloudfront:UpdateCachePolicy",
          "cloudfront:CreateResponseHeadersPolicy", "cloudfront:UpdateResponseHeadersPolicy",
          "cloudfront:CreatePublicKey", "cloudfront:UpdatePublicKey", "cloudfront:CreateKeyGroup", "cloudfront:UpdateKeyGroup",
          "cloudfront:CreateFunction", "cloudfront:UpdateFunction", "cloudfront:PublishFunction",
        ]
        Resource = "${local.arn_prefix.cloudfront}:*"
      },
      {
        # The takedown invalidator (terraform/modules/invalidator), created and updated here.
        Sid    = "InvalidatorFunction"
        Effect = "Allow"
        Action = [
          "lambda:CreateFunction", "lambda:DeleteFunction", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration",
          "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:GetFunctionCodeSigningConfig",
          "lambda:ListVersionsByFunction", "lambda:GetFunctionConcurrency", "lambda:PutFunctionConcurrency",
          "lambda:DeleteFunctionConcurrency", "lambda:ListTags", "lambda:TagResource", "lambda:UntagResource",
        ]
        Resource = local.invalidator_function_arn
      },
      {
        # Its stream mapping (the only mapping Terraform makes; Zappa makes the web
        # function's). CreateEventSourceMapping has no resource, only this condition key.
        Sid       = "CreateInvalidatorStreamMapping"
        Effect    = "Allow"
        Action    = "lambda:CreateEventSourceMapping"
        Resource  = "*"
        Condition = { StringEquals = { "lambda:FunctionArn" = local.invalidator_function_arn } }
      },
      {
        Sid       = "InvalidatorStreamMapping"
        Effect    = "Allow"
        Action    = ["lambda:UpdateEventSourceMapping", "lambda:DeleteEventSourceMapping", "lambda:GetEventSourceMapping", "lambda:TagResource", "lambda:ListTags"]
        Resource  = local.event_source_mappings
        Condition = { StringEquals = { "lambda:FunctionArn" = local.invalidator_function_arn } }
      },
      {
        Sid       = "PassInvalidatorRole"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = "${local.arn_prefix.iam}:role/${var.name_prefix}-invalidator"
        Condition = { StringEquals = { "iam:PassedToService" = "lambda.amazonaws.com" } }
      },
      {
        Sid       = "PassMalwareProtectionRole"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = "${local.arn_prefix.iam}:role/${var.name_prefix}-guardduty-malware-protection"
        Condition = { StringEquals = { "iam:PassedToService" = "malware-protection-plan.guardduty.amazonaws.com" } }
      },
      {
        # The findings queue and dead-letter queue, the invalidator's failure queue.
        Sid    = "Queues"
        Effect = "Allow"
        Action = [
          "sqs:CreateQueue", "sqs:DeleteQueue", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes",
          "sqs:TagQueue", "sqs:UntagQueue", "sqs:ListQueueTags",
        ]
        Resource = local.queue_arns
      },
      {
        # GuardDuty's scan-result rule (its target is the findings queue).
        Sid    = "ScanResultRule"
        Effect = "Allow"
        Action = [
          "events:PutRule", "events:DescribeRule", "events:DeleteRule", "events:PutTargets", "events:RemoveTargets",
          "events:ListTargetsByRule", "events:TagResource", "events:UntagResource", "events:ListTagsForResource",
        ]
        Resource = local.stack_rule_arns
      },
      {
        Sid    = "MalwareProtectionPlan"
        Effect = "Allow"
        Action = [
          "guardduty:CreateMalwareProtectionPlan", "guardduty:UpdateMalwareProtectionPlan", "guardduty:GetMalwareProtectionPlan",
          "guardduty:DeleteMalwareProtectionPlan", "guardduty:TagResource", "guardduty:UntagResource", "guardduty:ListTagsForResource",
        ]
        Resource = local.malware_plan_arns
      },
      {
        # S3 upload events and scan findings invoke the function (aws_lambda_permission).
        Sid      = "FunctionPermissions"
        Effect   = "Allow"
        Action   = ["lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy"]
        Resource = local.function_arns
      },
      ],
      [for s in local.network_deploy_statements : s if var.manage_network_and_database],
      var.state.lock_table_arn == null ? [] : [{
        # State locking in DynamoDB (Terraform < 1.10 or an older backend configuration).
        Sid      = "LockTable"
        Effect   = "Allow"
        Action   = ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
        Resource = var.state.lock_table_arn
      }],
      [for s in var.extra_deploy_statements : { Sid = s.sid, Effect = "Allow", Action = s.actions, Resource = s.resources }],
      [
        {
          # Belt and braces: even a too-broad extra statement cannot touch the CI roles,
          # the OIDC provider, or delete the stack's data.
          Sid    = "DenyChangingCiAccess"
          Effect = "Deny"
          Action = [
            "iam:CreateRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy",
            "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary",
            "iam:DeleteRolePermissionsBoundary", "iam:TagRole", "iam:UntagRole",
            "iam:CreateOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint",
            "iam:AddClientIDToOpenIDConnectProvider", "iam:RemoveClientIDFromOpenIDConnectProvider",
          ]
          Resource = concat(local.ci_role_arns, [local.oidc_provider_arn])
        },
        {
          Sid    = "DenyDeletingData"
          Effect = "Deny"
          Action = [
            "s3:DeleteBucket", "dynamodb:DeleteTable", "dynamodb:DeleteBackup", "cloudfront:DeleteDistribution",
            "rds:DeleteDBCluster", "rds:DeleteDBInstance", "rds:DeleteDBClusterSnapshot", "secretsmanager:DeleteSecret",
          ]
          Resource = concat(local.bucket_arns, local.table_arns, local.rds_arns, local.secret_arns, [local.rds_secret_arn], ["${local.arn_prefix.cloudfront}:distribution/*"])
        },
      ],
    )
  }

  # What the code deploy needs: Zappa (function, its CloudFormation stack with the REST API,
  # the keep-warm rule, packages in the deploy bucket), `zappa manage`, the rollback,
  # collectstatic's upload and the CloudFront invalidation.
  deploy_code_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "Function"
        Effect = "Allow"
        Action = [
          "lambda:CreateFunction", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration",
          "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:ListVersionsByFunction",
          "lambda:PublishVersion", "lambda:InvokeFunction", "lambda:GetFunctionConcurrency",
          "lambda:PutFunctionConcurrency", "lambda:DeleteFunctionConcurrency",
          "lambda:GetFunctionUrlConfig", "lambda:ListTags", "lambda:TagResource",
          "lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy",
        ]
        Resource = local.function_arns
      },
      {
        # Lambda checks the VPC configuration Zappa sets (subnets, security groups) with the
        # caller's rights; EC2's Describe calls support no resource-level permissions.
        Sid      = "VpcConfigLookups"
        Effect   = "Allow"
        Action   = ["ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"]
        Resource = "*"
      },
      {
        Sid      = "PassExecutionRole"
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = var.lambda_role_arn
        Condition = {
          StringEquals = { "iam:PassedToService" = ["lambda.amazonaws.com", "apigateway.amazonaws.com"] }
        }
      },
      {
        # Zappa deploys API Gateway through a CloudFormation stack named after the function.
        Sid    = "ZappaStack"
        Effect = "Allow"
        Action = [
          "cloudformation:CreateStack", "cloudformation:UpdateStack", "cloudformation:DescribeStacks",
          "cloudformation:DescribeStackResource", "cloudformation:DescribeStackResources",
          "cloudformation:ListStackResources", "cloudformation:GetTemplate", "cloudformation:DescribeStackEvents",
        ]
        Resource = "${local.arn_prefix.cloudformation}:stack/${var.lambda_function_name}/*"
      },
      {
        # The stack's REST API (its id is only known once created), in this region.
        Sid      = "ZappaRestApi"
        Effect   = "Allow"
        Action   = ["apigateway:GET", "apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"]
        Resource = ["arn:${local.partition}:apigateway:${var.region}::/restapis", "arn:${local.partition}:apigateway:${var.region}::/restapis/*", "arn:${local.partition}:apigateway:${var.region}::/tags/*"]
      },
      {
        Sid    = "KeepWarmRule"
        Effect = "Allow"
        Action = [
          "events:PutRule", "events:DescribeRule", "events:PutTargets", "events:RemoveTargets", "events:ListTargetsByRule",
          "events:DeleteRule", "events:ListRuleNamesByTarget", "events:TagResource",
        ]
        Resource = "${local.arn_prefix.events}:rule/${var.lambda_function_name}*"
      },
      {
        Sid      = "ListRulesOfTheFunction"
        Effect   = "Allow"
        Action   = "events:ListRuleNamesByTarget"
        Resource = "${local.arn_prefix.events}:rule/*"
      },
      {
        Sid      = "Packages"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = "${local.deploy_bucket}/*"
      },
      {
        Sid      = "StaticFiles"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = ["${local.static_bucket}/static/*", "${local.static_bucket}/deploy-state/*"]
      },
      {
        Sid      = "ListDeployBuckets"
        Effect   = "Allow"
        Action   = ["s3:ListBucket", "s3:GetBucketLocation"]
        Resource = [local.deploy_bucket, local.static_bucket]
      },
      {
        Sid      = "Invalidate"
        Effect   = "Allow"
        Action   = ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation", "cloudfront:ListInvalidations"]
        Resource = local.distribution
      },
      {
        # Zappa's SQS event source (the scan-findings queue, when a scanner publishes
        # findings): an event source mapping of the function. Create has no resource,
        # only this condition key; List has neither.
        Sid       = "CreateFindingsQueueMapping"
        Effect    = "Allow"
        Action    = "lambda:CreateEventSourceMapping"
        Resource  = "*"
        Condition = { StringEquals = { "lambda:FunctionArn" = local.function_arns[0] } }
      },
      {
        Sid       = "FindingsQueueMapping"
        Effect    = "Allow"
        Action    = ["lambda:GetEventSourceMapping", "lambda:UpdateEventSourceMapping", "lambda:DeleteEventSourceMapping"]
        Resource  = local.event_source_mappings
        Condition = { StringEquals = { "lambda:FunctionArn" = local.function_arns[0] } }
      },
      {
        Sid      = "ListEventSourceMappings"
        Effect   = "Allow"
        Action   = "lambda:ListEventSourceMappings"
        Resource = "*"
      },
    ]
  }
}

################################################################################
# The private network, Aurora and the app secret (manage_network_and_database)
################################################################################

locals {
  network_plan_statements = [
    {
      # EC2's Describe calls support no resource-level permissions.
      Sid      = "ReadNetwork"
      Effect   = "Allow"
      Action   = ["ec2:Describe*"]
      Resource = "*"
    },
    {
      Sid      = "ReadDatabase"
      Effect   = "Allow"
      Action   = ["rds:Describe*", "rds:ListTagsForResource"]
      Resource = local.rds_arns
    },
    {
      # The platform reads the app secret on every plan (origin-verify header of the
      # distribution); the state holds the same values, which the role reads anyway.
      Sid      = "ReadAppSecret"
      Effect   = "Allow"
      Action   = ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:GetResourcePolicy"]
      Resource = local.secret_arns
    },
    {
      # data "aws_secretsmanager_random_password": generates, reads nothing.
      Sid      = "RandomPassword"
      Effect   = "Allow"
      Action   = "secretsmanager:GetRandomPassword"
      Resource = "*"
    },
  ]

  network_deploy_statements = [
    {
      # EC2's Describe calls support no resource-level permissions.
      Sid      = "ReadNetwork"
      Effect   = "Allow"
      Action   = ["ec2:Describe*"]
      Resource = "*"
    },
    {
      # The private network's pieces only (no instance, no NAT, no internet gateway),
      # in this account and region.
      Sid    = "Network"
      Effect = "Allow"
      Action = [
        "ec2:CreateVpc", "ec2:ModifyVpcAttribute", "ec2:CreateSubnet", "ec2:ModifySubnetAttribute", "ec2:DeleteSubnet",
        "ec2:CreateRouteTable", "ec2:DeleteRouteTable", "ec2:AssociateRouteTable", "ec2:DisassociateRouteTable",
        "ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", "ec2:AuthorizeSecurityGroupIngress",
        "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
        "ec2:ModifySecurityGroupRules", "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
        "ec2:UpdateSecurityGroupRuleDescriptionsEgress", "ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint",
        "ec2:DeleteVpcEndpoints", "ec2:CreateFlowLogs", "ec2:DeleteFlowLogs", "ec2:CreateTags", "ec2:DeleteTags",
      ]
      Resource = "${local.ec2_arn}:*"
    },
    {
      # Flow logs delivered to the logs bucket (S3 destination) in the stack's region.
      Sid      = "FlowLogDelivery"
      Effect   = "Allow"
      Action   = ["logs:CreateLogDelivery", "logs:DeleteLogDelivery"]
      Resource = "arn:${local.partition}:logs:${var.region}:${local.account_id}:*"
    },
    {
      Sid    = "Database"
      Effect = "Allow"
      Action = [
        "rds:Describe*", "rds:ListTagsForResource", "rds:AddTagsToResource", "rds:RemoveTagsFromResource",
        "rds:CreateDBCluster", "rds:ModifyDBCluster", "rds:CreateDBInstance", "rds:ModifyDBInstance",
        "rds:CreateDBSubnetGroup", "rds:ModifyDBSubnetGroup", "rds:CreateDBClusterParameterGroup",
        "rds:ModifyDBClusterParameterGroup",
      ]
      Resource = concat(local.rds_arns, ["arn:${local.partition}:rds:${var.region}:${local.account_id}:pg:default.*", "arn:${local.partition}:rds:${var.region}:${local.account_id}:og:default:*"])
    },
    {
      # RDS keeps the master password in a secret of its own (manage_master_user_password).
      Sid      = "DatabaseMasterSecret"
      Effect   = "Allow"
      Action   = ["secretsmanager:CreateSecret", "secretsmanager:TagResource", "secretsmanager:RotateSecret", "secretsmanager:DescribeSecret"]
      Resource = local.rds_secret_arn
    },
    {
      Sid    = "AppSecret"
      Effect = "Allow"
      Action = [
        "secretsmanager:CreateSecret", "secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue",
        "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecret", "secretsmanager:GetResourcePolicy",
        "secretsmanager:TagResource", "secretsmanager:UntagResource",
      ]
      Resource = local.secret_arns
    },
    {
      Sid      = "RandomPassword"
      Effect   = "Allow"
      Action   = "secretsmanager:GetRandomPassword"
      Resource = "*"
    },
  ]
}
