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

output "public_key_id" {
  description = "ID of the CloudFront public key; the app signs URLs with it (CLOUDFRONT_KEY_ID)."
  value       = try(aws_cloudfront_public_key.this.id, null)
}

output "key_group_id" {
  description = "ID of the trusted key group for signed URLs."
  value       = try(aws_cloudfront_key_group.this.id, null)
}
