mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name            = "imageplatform-staging"
  app_domain_name = "abc123.execute-api.us-east-1.amazonaws.com"
  app_origin_path = "/staging"
  media_bucket = {
    id                          = "example-media"
    bucket_regional_domain_name = "example-media.s3.us-east-1.amazonaws.com"
  }
  static_bucket = {
    id                          = "example-static"
    bucket_regional_domain_name = "example-static.s3.us-east-1.amazonaws.com"
  }
  s3_prefixes = jsondecode(file("../../../imageplatform/dynamodb.json")).s3_prefixes
  origin_verify = {
    header_name = "X-Origin-Verify"
    value       = "test-origin-verify-value-0123456789abcdef"
  }
  web_acl_arn                = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/imageplatform-staging/a1b2c3d4"
  logging_bucket_domain_name = "example-logs.s3.amazonaws.com"
}

run "distribution" {
  command = apply

  assert {
    condition     = aws_cloudfront_distribution.this.web_acl_id == var.web_acl_arn
    error_message = "The WAF web ACL is attached."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.default_cache_behavior[0].target_origin_id == "app" && length(aws_cloudfront_distribution.this.default_cache_behavior[0].allowed_methods) == 7
    error_message = "The app is the default origin, with every method allowed."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.default_cache_behavior[0].cache_policy_id == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
    error_message = "The app's pages are never cached (managed CachingDisabled)."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.default_cache_behavior[0].origin_request_policy_id == "b689b0a8-53d0-40ab-baf2-68738e2966ac"
    error_message = "Cookies, Authorization and query strings reach the app (AllViewerExceptHostHeader)."
  }

  assert {
    condition = alltrue(concat(
      [aws_cloudfront_distribution.this.default_cache_behavior[0].viewer_protocol_policy == "redirect-to-https"],
      [for b in aws_cloudfront_distribution.this.ordered_cache_behavior : b.viewer_protocol_policy == "redirect-to-https"],
      [for o in aws_cloudfront_distribution.this.origin : o.custom_origin_config[0].origin_protocol_policy == "https-only" if length(o.custom_origin_config) > 0],
    ))
    error_message = "HTTPS only, to viewers and to the app origin."
  }

  assert {
    condition = alltrue([
      for o in aws_cloudfront_distribution.this.origin :
      o.origin_access_control_id == aws_cloudfront_origin_access_control.this.id
      if o.origin_id != "app"
    ]) && aws_cloudfront_origin_access_control.this.signing_behavior == "always"
    error_message = "Both bucket origins are read through Origin Access Control."
  }

  assert {
    condition = { for b in aws_cloudfront_distribution.this.ordered_cache_behavior : b.path_pattern => b.target_origin_id } == {
      "/static/*"     = "static"
      "/renditions/*" = "media"
    }
    error_message = "Behaviors: /static/* from the static bucket, renditions from the media bucket; originals are never served by CloudFront."
  }

  assert {
    condition = alltrue([
      for b in aws_cloudfront_distribution.this.ordered_cache_behavior : length(coalesce(b.trusted_key_groups, [])) == 0 && length(coalesce(b.trusted_signers, [])) == 0
    ])
    error_message = "No CloudFront-signed URLs: private files use S3 presigned URLs instead."
  }

  assert {
    condition = one([
      for o in aws_cloudfront_distribution.this.origin : [for h in o.custom_header : h if h.name == "X-Origin-Verify" && h.value == var.origin_verify.value] if o.origin_id == "app"
    ]) != [] && alltrue([for o in aws_cloudfront_distribution.this.origin : length(o.custom_header) == 0 if o.origin_id != "app"])
    error_message = "CloudFront adds X-Origin-Verify (the secret's value) to requests to the app, and only there."
  }

  assert {
    condition = (
      aws_cloudfront_distribution.this.default_cache_behavior[0].response_headers_policy_id == aws_cloudfront_response_headers_policy.app.id &&
      aws_cloudfront_response_headers_policy.app.security_headers_config[0].content_security_policy[0].content_security_policy == join("; ", [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob: https://example-media.s3.us-east-1.amazonaws.com",
        "connect-src 'self' https://example-media.s3.us-east-1.amazonaws.com",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self' https://example-media.s3.us-east-1.amazonaws.com",
      ]) &&
      aws_cloudfront_response_headers_policy.app.security_headers_config[0].content_type_options[0].override
    )
    error_message = "The app's responses carry the Content-Security-Policy (self, plus the bucket's regional endpoint for uploads and presigned files) and nosniff."
  }

  assert {
    condition = alltrue([
      for b in aws_cloudfront_distribution.this.ordered_cache_behavior :
      b.response_headers_policy_id == aws_cloudfront_response_headers_policy.files.id
      ]) && length(aws_cloudfront_response_headers_policy.files.security_headers_config[0].content_type_options) == 1 && (
      length(aws_cloudfront_response_headers_policy.files.security_headers_config[0].content_security_policy) == 0
    )
    error_message = "Static files and renditions get nosniff (no CSP: Content-Disposition is set per object by the app)."
  }

  assert {
    condition = alltrue([
      for b in aws_cloudfront_distribution.this.ordered_cache_behavior : b.cache_policy_id == aws_cloudfront_cache_policy.immutable.id
    ]) && aws_cloudfront_cache_policy.immutable.max_ttl >= 31536000
    error_message = "Static files and media are cached for a long time."
  }

  assert {
    condition     = aws_cloudfront_response_headers_policy.app.security_headers_config[0].strict_transport_security[0].access_control_max_age_sec >= 31536000
    error_message = "The response headers policy sends HSTS."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.logging_config[0].bucket == var.logging_bucket_domain_name
    error_message = "Access logging is on."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.viewer_certificate[0].cloudfront_default_certificate && aws_cloudfront_distribution.this.price_class == "PriceClass_100"
    error_message = "Without aliases the default certificate is used; the price class is the variable's."
  }

  assert {
    condition     = output.domain_name == aws_cloudfront_distribution.this.domain_name && output.bucket_endpoint == "https://example-media.s3.us-east-1.amazonaws.com"
    error_message = "Outputs give the site domain and the bucket endpoint."
  }
}

run "custom_domain" {
  command = plan

  variables {
    aliases             = ["images.example.org"]
    acm_certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    price_class         = "PriceClass_All"
  }

  assert {
    condition     = aws_cloudfront_distribution.this.viewer_certificate[0].minimum_protocol_version == "TLSv1.2_2021" && aws_cloudfront_distribution.this.viewer_certificate[0].ssl_support_method == "sni-only"
    error_message = "A custom certificate is served with TLS 1.2 and SNI."
  }

  assert {
    condition     = output.domain_name == "images.example.org"
    error_message = "The site domain is the first alias."
  }
}

run "rejects_unknown_price_class" {
  command = plan

  variables {
    price_class = "PriceClass_Cheap"
  }

  expect_failures = [var.price_class]
}

run "rejects_certificate_outside_us_east_1" {
  command = plan

  variables {
    aliases             = ["images.example.org"]
    acm_certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/x"
  }

  expect_failures = [var.acm_certificate_arn]
}

run "rejects_short_origin_verify_value" {
  command = plan

  variables {
    origin_verify = {
      header_name = "X-Origin-Verify"
      value       = "short"
    }
  }

  expect_failures = [var.origin_verify]
}
