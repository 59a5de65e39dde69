# Non-secret settings of production. Replace the placeholders for your account.
bucket_name_prefix = "imageplatform-production-example"
# Before the first `zappa deploy` this can be any valid domain; afterwards the
# API Gateway domain Zappa prints (REGIONAL endpoint), then apply again.
app_domain_name = "placeholder.execute-api.us-east-1.amazonaws.com"
alarm_email     = null
price_class     = "PriceClass_100"
waf_rate_limit  = 2000

# Malware scanning of uploads: GuardDuty Malware Protection for S3 on uploads/ (findings
# reach the function through the scan-findings queue). terraform/README.md, "Malware scanning".
scanner = "guardduty"
