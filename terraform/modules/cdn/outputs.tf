output "distribution_id" {
  description = "ID of the CloudFront distribution (for invalidations)."
  value       = try(aws_cloudfront_distribution.this.id, null)
}

output "distribution_arn" {
  description = "ARN of the CloudFront distribution (the aws:SourceArn of OAC bucket policies)."
  value       = try(aws_cloudfront_distribution.this.arn, null)
}

output "domain_name" {
  description = "Domain of the site: the first alias when set, else the *.cloudfront.net name."
  value       = try(coalesce(try(var.aliases[0], null), aws_cloudfront_distribution.this.domain_name), null)
}

output "cloudfront_domain_name" {
  description = "The distribution's own *.cloudfront.net domain name (the DNS target of aliases)."
  value       = try(aws_cloudfront_distribution.this.domain_name, null)
}

output "hosted_zone_id" {
  description = "Route 53 zone id of CloudFront, for alias records."
  value       = try(aws_cloudfront_distribution.this.hosted_zone_id, null)
}

output "content_security_policy" {
  description = "The Content-Security-Policy CloudFront adds to the app's responses (when the app sets none)."
  value       = try(local.content_security_policy, null)
}

output "bucket_endpoint" {
  description = "https:// URL of the media bucket's regional endpoint, which the CSP allows for direct uploads and presigned downloads."
  value       = try(local.bucket_endpoint, null)
}
