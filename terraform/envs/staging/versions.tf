terraform {
  required_version = "~> 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # State in the bootstrap bucket; S3 native lock files (no DynamoDB table needed).
  # Override per account with: terraform init -backend-config="bucket=<name>"
  backend "s3" {
    bucket       = "imageplatform-terraform-state"
    key          = "envs/staging/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
  }
}
