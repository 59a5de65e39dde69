mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name       = "imageplatform-staging"
  rate_limit = 1000
}

run "rules_and_logging" {
  command = apply

  assert {
    condition     = aws_wafv2_web_acl.this.scope == "CLOUDFRONT" && length(aws_wafv2_web_acl.this.default_action[0].allow) == 1
    error_message = "The web ACL is CloudFront-scoped and allows what no rule blocks."
  }

  assert {
    condition = toset([
      for r in aws_wafv2_web_acl.this.rule : r.statement[0].managed_rule_group_statement[0].name
      if length(r.statement[0].managed_rule_group_statement) > 0
      ]) == toset([
      "AWSManagedRulesCommonRuleSet",
      "AWSManagedRulesKnownBadInputsRuleSet",
      "AWSManagedRulesSQLiRuleSet",
      "AWSManagedRulesAmazonIpReputationList",
    ])
    error_message = "The four AWS managed rule groups (common, known bad inputs, SQLi, IP reputation) are present."
  }

  assert {
    condition = one([
      for r in aws_wafv2_web_acl.this.rule : r.statement[0].rate_based_statement[0]
      if length(r.statement[0].rate_based_statement) > 0
    ]).limit == 1000
    error_message = "A rate-based rule per IP uses the rate_limit variable."
  }

  assert {
    condition = one([
      for r in aws_wafv2_web_acl.this.rule : r
      if r.name == "api-requires-authorization" && try(length(r.action[0].block), 0) == 1
    ]).statement[0].and_statement[0].statement[0].byte_match_statement[0].search_string == "/api/"
    error_message = "A blocking rule covers /api/ requests."
  }

  assert {
    condition = one([
      for r in aws_wafv2_web_acl.this.rule : r if r.name == "api-requires-authorization"
    ]).statement[0].and_statement[0].statement[1].not_statement[0].statement[0].size_constraint_statement[0].field_to_match[0].single_header[0].name == "authorization"
    error_message = "The /api/ rule matches requests without an Authorization header."
  }

  assert {
    condition     = length(toset([for r in aws_wafv2_web_acl.this.rule : r.priority])) == length(aws_wafv2_web_acl.this.rule)
    error_message = "Rule priorities are unique."
  }

  assert {
    condition     = startswith(aws_cloudwatch_log_group.this.name, "aws-waf-logs-") && aws_wafv2_web_acl_logging_configuration.this.log_destination_configs == toset([aws_cloudwatch_log_group.this.arn])
    error_message = "WAF logs go to a log group named aws-waf-logs-*."
  }
}

run "rejects_tiny_rate_limit" {
  command = plan

  variables {
    rate_limit = 5
  }

  expect_failures = [var.rate_limit]
}
