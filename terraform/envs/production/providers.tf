provider "aws" {
  region = var.region

  default_tags {
    tags = { Project = "imageplatform", Stage = local.stage }
  }
}

# CloudFront-scoped resources (WAF, CloudFront alarm) live in us-east-1.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = { Project = "imageplatform", Stage = local.stage }
  }
}
