# The staging root, offline: the AWS provider is mocked, terraform.tfvars is used.
mock_provider "aws" {
  source = "../../tests/mocks"
}

mock_provider "aws" {
  alias  = "us_east_1"
  source = "../../tests/mocks"
}

run "tables_follow_the_shared_definition" {
  command = apply

  assert {
    condition     = toset(keys(module.platform.tables)) == toset(keys(local.definition.tables))
    error_message = "Terraform creates exactly the tables of imageplatform/dynamodb.json."
  }

  assert {
    condition = alltrue([
      for k, t in local.definition.tables :
      module.platform.tables[k].name == "imageplatform-staging-${t.suffix}" &&
      module.platform.tables[k].setting == t.setting &&
      module.platform.tables[k].hash_key == t.hash_key &&
      module.platform.tables[k].range_key == t.range_key &&
      module.platform.tables[k].ttl_attribute == t.ttl_attribute &&
      module.platform.tables[k].indexes == sort([for i in t.global_secondary_indexes : i.name])
    ])
    error_message = "Table names, keys, TTL and index names match imageplatform/dynamodb.json."
  }

  assert {
    condition = output.lambda_environment == {
      GALLERY_BUCKET    = output.gallery_bucket
      STATIC_BUCKET     = output.static_bucket
      GALLERY_TABLE     = "imageplatform-staging-images"
      SHORTLINKS_TABLE  = "imageplatform-staging-shortlinks"
      CLOUDFRONT_DOMAIN = output.cloudfront_domain
      CLOUDFRONT_KEY_ID = output.cloudfront_key_id
    }
    error_message = "lambda_environment is the hand-off to Zappa, in the app's variable names."
  }

  assert {
    condition = alltrue([for o in [
      output.lambda_role_arn, output.gallery_bucket, output.static_bucket, output.cloudfront_distribution_id,
      output.cloudfront_domain, output.cloudfront_key_id, output.cloudfront_key_group_id, output.alarm_topic_arn,
      output.waf_web_acl_arn, output.aws_region,
    ] : o != null && o != ""])
    error_message = "Every output Zappa and the pipeline read has a value."
  }
}

run "role_and_log_group_are_for_the_zappa_dev_function" {
  command = apply

  assert {
    condition     = module.platform.lambda_function_name == "imageplatform-dev" && module.platform.lambda_log_group_name == "/aws/lambda/imageplatform-dev"
    error_message = "zappa_settings.json's dev stage deploys imageplatform-dev into staging: the log group and alarms must name it."
  }
}
