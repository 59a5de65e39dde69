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
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/imageplatform-test"
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
