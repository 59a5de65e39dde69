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
  s3_prefixes                = jsondecode(file("../../../imageplatform/dynamodb.json")).s3_prefixes
  public_key_pem             = file("../../envs/staging/cloudfront_public_key.pem")
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
      "/originals/*"  = "media"
    }
    error_message = "Behaviors: /static/* from the static bucket, renditions and originals from the media bucket."
  }

  assert {
    condition = alltrue([
      for b in aws_cloudfront_distribution.this.ordered_cache_behavior :
      tolist(b.trusted_key_groups) == tolist([aws_cloudfront_key_group.this.id])
      if b.path_pattern != "/static/*"
    ])
    error_message = "Originals and renditions need URLs signed by the trusted key group."
  }

  assert {
    condition = alltrue([
      for b in aws_cloudfront_distribution.this.ordered_cache_behavior : b.cache_policy_id == aws_cloudfront_cache_policy.immutable.id
    ]) && aws_cloudfront_cache_policy.immutable.max_ttl >= 31536000
    error_message = "Static files and media are cached for a long time."
  }

  assert {
    condition     = aws_cloudfront_response_headers_policy.this.security_headers_config[0].strict_transport_security[0].access_control_max_age_sec >= 31536000
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
    condition     = output.public_key_id == aws_cloudfront_public_key.this.id && output.domain_name == aws_cloudfront_distribution.this.domain_name
    error_message = "Outputs give the key id and the site domain."
  }
}

run "custom_domain_and_public_renditions" {
  command = plan

  variables {
    aliases                         = ["images.example.org"]
    acm_certificate_arn             = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    renditions_signed_urls_required = false
    price_class                     = "PriceClass_All"
  }

  assert {
    condition     = aws_cloudfront_distribution.this.viewer_certificate[0].minimum_protocol_version == "TLSv1.2_2021" && aws_cloudfront_distribution.this.viewer_certificate[0].ssl_support_method == "sni-only"
    error_message = "A custom certificate is served with TLS 1.2 and SNI."
  }

  assert {
    condition = alltrue([
      for b in aws_cloudfront_distribution.this.ordered_cache_behavior :
      try(length(b.trusted_key_groups), 0) == (b.path_pattern == "/originals/*" ? 1 : 0)
    ])
    error_message = "Public renditions drop the signature requirement; originals keep it."
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
