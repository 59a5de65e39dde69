terraform {
  required_version = "~> 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # Local state on purpose: this root creates the remote backend the others use.
  # Keep terraform.tfstate of this root somewhere safe (it is git-ignored), or
  # migrate it into the new bucket afterwards (see terraform/README.md).
}

provider "aws" {
  region = var.region

  default_tags {
    tags = { Project = "imageplatform", Purpose = "terraform-state" }
  }
}
