locals {
  app_origin_id    = "app"
  media_origin_id  = "media"
  static_origin_id = "static"

  # AWS managed policies (fixed, global ids). With caching disabled, the
  # AllViewerExceptHostHeader origin request policy forwards every viewer header,
  # Authorization included, except Host (API Gateway rejects a foreign Host).
  managed_cache_policy_caching_disabled                = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
  managed_origin_request_policy_all_viewer_except_host = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
  managed_origin_request_policy_cors_s3_origin         = "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf"
  renditions_path                                      = "/${trimsuffix(var.s3_prefixes["renditions"], "/")}/*"
  custom_domain                                        = length(var.aliases) > 0

  # The bucket's regional endpoint: direct uploads POST there (presigned POST) and
  # private files are fetched from there (S3 presigned GET URLs).
  bucket_endpoint = "https://${var.media_bucket.bucket_regional_domain_name}"
  content_security_policy = join("; ", [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob: ${local.bucket_endpoint}",
    "connect-src 'self' ${local.bucket_endpoint}",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self' ${local.bucket_endpoint}",
  ])
}

################################################################################
# Origin Access Control (the buckets stay private)
################################################################################

resource "aws_cloudfront_origin_access_control" "this" {
  name                              = "${var.name}-s3"
  description                       = "CloudFront reads the media and static buckets of ${var.name}."
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

################################################################################
# Cache, origin request and response headers policies
################################################################################

resource "aws_cloudfront_cache_policy" "immutable" {
  name        = "${var.name}-immutable"
  comment     = "Long caching for renditions and hashed static files; query strings stay out of the cache key."
  min_ttl     = 0
  default_ttl = 86400
  max_ttl     = var.static_max_ttl_seconds

  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_brotli = true
    enable_accept_encoding_gzip   = true

    cookies_config {
      cookie_behavior = "none"
    }
    headers_config {
      header_behavior = "none"
    }
    query_strings_config {
      query_string_behavior = "none"
    }
  }
}

# The app's pages: HSTS, CSP, no framing, no sniffing. The app's own values win where it
# sets a header (override = false), so it can tighten the CSP (e.g. with nonces).
resource "aws_cloudfront_response_headers_policy" "app" {
  name    = "${var.name}-app-headers"
  comment = "Security headers of the app's responses, with its Content-Security-Policy."

  security_headers_config {
    content_security_policy {
      content_security_policy = local.content_security_policy
      override                = false
    }
    strict_transport_security {
      access_control_max_age_sec = 63072000
      include_subdomains         = true
      preload                    = true
      override                   = true
    }
    content_type_options {
      override = true
    }
    frame_options {
      frame_option = "DENY"
      override     = false
    }
    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = false
    }
  }

  custom_headers_config {
    items {
      header   = "Permissions-Policy"
      value    = "camera=(), microphone=(), geolocation=()"
      override = false
    }
  }
}

# Files (static, renditions): nosniff (and the site's HSTS), no CSP. The app sets
# Content-Type and, per object, Content-Disposition when it stores a file.
resource "aws_cloudfront_response_headers_policy" "files" {
  name    = "${var.name}-file-headers"
  comment = "nosniff and HSTS on static files and renditions; their metadata comes from the objects."

  security_headers_config {
    content_type_options {
      override = true
    }
    strict_transport_security {
      access_control_max_age_sec = 63072000
      include_subdomains         = true
      preload                    = true
      override                   = true
    }
  }
}

################################################################################
# Viewer-request function: keeps the viewer's host for Django
################################################################################

resource "aws_cloudfront_function" "forwarded_host" {
  name    = "${var.name}-forwarded-host"
  runtime = "cloudfront-js-2.0"
  comment = "Copies Host to X-Forwarded-Host, since the app origin receives the API Gateway host."
  publish = true
  code    = file("${path.module}/forwarded_host.js")
}

################################################################################
# Distribution
################################################################################

resource "aws_cloudfront_distribution" "this" {
  #checkov:skip=CKV_AWS_305:The default origin is the app, which serves "/" itself; a default root object would shadow it.
  #checkov:skip=CKV_AWS_310:One app origin (API Gateway is regional and managed); a failover group only fits GET/HEAD S3 origins.
  #checkov:skip=CKV_AWS_374:An open image platform serves every country; geo blocking is left to the WAF when needed.
  #checkov:skip=CKV2_AWS_42:A custom domain and certificate are optional (aliases, acm_certificate_arn); without them CloudFront's own certificate is used.
  #checkov:skip=CKV2_AWS_47:The web ACL from modules/waf includes AWSManagedRulesKnownBadInputsRuleSet (Log4j); checkov cannot follow its ARN across modules (terraform test asserts it).
  #checkov:skip=CKV_AWS_174:TLSv1.2_2021 is set whenever a custom certificate is used; with the default *.cloudfront.net certificate AWS fixes the policy itself.
  enabled         = true
  is_ipv6_enabled = true
  http_version    = "http2and3"
  comment         = var.name
  price_class     = var.price_class
  aliases         = var.aliases
  web_acl_id      = var.web_acl_arn
  tags            = var.tags

  origin {
    origin_id   = local.app_origin_id
    domain_name = var.app_domain_name
    origin_path = var.app_origin_path

    # The app answers 403 to requests without it (that is, not through CloudFront).
    custom_header {
      name  = var.origin_verify.header_name
      value = var.origin_verify.value
    }

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  origin {
    origin_id                = local.media_origin_id
    domain_name              = var.media_bucket.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.this.id
  }

  origin {
    origin_id                = local.static_origin_id
    domain_name              = var.static_bucket.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.this.id
  }

  # The app: nothing cached, cookies, Authorization and query strings forwarded, all methods.
  default_cache_behavior {
    target_origin_id           = local.app_origin_id
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = local.managed_cache_policy_caching_disabled
    origin_request_policy_id   = local.managed_origin_request_policy_all_viewer_except_host
    response_headers_policy_id = aws_cloudfront_response_headers_policy.app.id

    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.forwarded_host.arn
    }
  }

  # collectstatic output (hashed names from ManifestStaticFilesStorage).
  ordered_cache_behavior {
    path_pattern               = "/static/*"
    target_origin_id           = local.static_origin_id
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD", "OPTIONS"]
    compress                   = true
    cache_policy_id            = aws_cloudfront_cache_policy.immutable.id
    origin_request_policy_id   = local.managed_origin_request_policy_cors_s3_origin
    response_headers_policy_id = aws_cloudfront_response_headers_policy.files.id
  }

  # Renditions of public and unlisted images: long cache, unsigned. Originals and private
  # files are never served here: the app hands out short-lived S3 presigned URLs for them.
  ordered_cache_behavior {
    path_pattern               = local.renditions_path
    target_origin_id           = local.media_origin_id
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = false
    cache_policy_id            = aws_cloudfront_cache_policy.immutable.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.files.id
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = !local.custom_domain
    acm_certificate_arn            = local.custom_domain ? var.acm_certificate_arn : null
    ssl_support_method             = local.custom_domain ? "sni-only" : null
    minimum_protocol_version       = local.custom_domain ? "TLSv1.2_2021" : "TLSv1"
  }

  logging_config {
    bucket          = var.logging_bucket_domain_name
    prefix          = var.logging_prefix
    include_cookies = false
  }

  lifecycle {
    precondition {
      condition     = !local.custom_domain || var.acm_certificate_arn != null
      error_message = "aliases need acm_certificate_arn (a us-east-1 ACM certificate)."
    }
  }
}
