# Shared mock data for `terraform test` (mock_provider "aws" { source = ... }).
# The provider validates ARNs even on mocked values, so the ones that other
# resources consume get realistic shapes; 123456789012 is the documented
# example account.

mock_data "aws_region" {
  defaults = {
    name = "us-east-1"
  }
}

mock_data "aws_partition" {
  defaults = {
    partition  = "aws"
    dns_suffix = "amazonaws.com"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::123456789012:role/imageplatform-test-lambda"
  }
}

mock_resource "aws_s3_bucket" {
  defaults = {
    arn                         = "arn:aws:s3:::imageplatform-test-bucket"
    bucket_regional_domain_name = "imageplatform-test-bucket.s3.us-east-1.amazonaws.com"
    bucket_domain_name          = "imageplatform-test-bucket.s3.amazonaws.com"
  }
}

mock_resource "aws_dynamodb_table" {
  defaults = {
    arn        = "arn:aws:dynamodb:us-east-1:123456789012:table/imageplatform-test"
    stream_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/imageplatform-test/stream/2026-01-01T00:00:00.000"
  }
}

mock_resource "aws_sns_topic" {
  defaults = {
    arn = "arn:aws:sns:us-east-1:123456789012:imageplatform-test-alarms"
  }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = {
    arn = "arn:aws:logs:us-east-1:123456789012:log-group:imageplatform-test"
  }
}

mock_resource "aws_wafv2_web_acl" {
  defaults = {
    arn = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/imageplatform-test/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
  }
}

mock_resource "aws_cloudfront_distribution" {
  defaults = {
    id             = "E2EXAMPLE12345"
    arn            = "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE12345"
    domain_name    = "d111111abcdef8.cloudfront.net"
    hosted_zone_id = "Z2FDTNDATAQYW2"
  }
}

mock_resource "aws_cloudfront_function" {
  defaults = {
    arn = "arn:aws:cloudfront::123456789012:function/imageplatform-test-forwarded-host"
  }
}

mock_resource "aws_cloudfront_public_key" {
  defaults = {
    id = "K2EXAMPLEKEY01"
  }
}

mock_resource "aws_cloudfront_key_group" {
  defaults = {
    id = "a1b2c3d4-key-group"
  }
}

mock_resource "aws_vpc" {
  defaults = {
    id  = "vpc-0example0000001"
    arn = "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0example0000001"
  }
}

mock_resource "aws_subnet" {
  defaults = {
    id  = "subnet-0example000001"
    arn = "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-0example000001"
  }
}

mock_resource "aws_security_group" {
  defaults = {
    id  = "sg-0example000000001"
    arn = "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0example000000001"
  }
}

mock_resource "aws_route_table" {
  defaults = {
    id = "rtb-0example00000001"
  }
}

mock_resource "aws_vpc_endpoint" {
  defaults = {
    id             = "vpce-0example0000001"
    prefix_list_id = "pl-63a5400a"
  }
}

mock_resource "aws_rds_cluster" {
  defaults = {
    arn      = "arn:aws:rds:us-east-1:123456789012:cluster:imageplatform-test"
    endpoint = "imageplatform-test.cluster-cexample.us-east-1.rds.amazonaws.com"
    master_user_secret = [{
      kms_key_id    = "arn:aws:kms:us-east-1:123456789012:key/aws-rds-secret"
      secret_arn    = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-example-AbCdEf"
      secret_status = "active"
    }]
  }
}

mock_resource "aws_secretsmanager_secret" {
  defaults = {
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:imageplatform-test/app-AbCdEf"
    id  = "arn:aws:secretsmanager:us-east-1:123456789012:secret:imageplatform-test/app-AbCdEf"
  }
}

mock_data "aws_secretsmanager_random_password" {
  defaults = {
    random_password = "mock-random-password-0123456789abcdefghijklmnop"
  }
}

mock_data "aws_secretsmanager_secret_version" {
  defaults = {
    secret_string = "{\"django_secret_key\":\"mock-key\",\"origin_verify_current\":\"mock-origin-verify-current-0123456789abcdef\",\"origin_verify_previous\":\"mock-origin-verify-previous-0123456789abcdef\"}"
  }
}

mock_resource "aws_sqs_queue" {
  defaults = {
    arn = "arn:aws:sqs:us-east-1:123456789012:imageplatform-test-queue"
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/imageplatform-test-queue"
  }
}

mock_resource "aws_lambda_function" {
  defaults = {
    arn        = "arn:aws:lambda:us-east-1:123456789012:function:imageplatform-test-invalidator"
    invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:imageplatform-test-invalidator/invocations"
  }
}

mock_resource "aws_cloudwatch_event_rule" {
  defaults = {
    arn = "arn:aws:events:us-east-1:123456789012:rule/imageplatform-test-scan-results"
  }
}

mock_resource "aws_guardduty_malware_protection_plan" {
  defaults = {
    arn = "arn:aws:guardduty:us-east-1:123456789012:malware-protection-plan/a1b2c3d4e5f6"
    id  = "a1b2c3d4e5f6"
  }
}
