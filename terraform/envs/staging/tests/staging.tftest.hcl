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
    condition = output.lambda_environment == merge({ for t in values(local.definition.tables) : t.setting => "imageplatform-staging-${t.suffix}" }, {
      GALLERY_BUCKET                     = output.gallery_bucket
      STATIC_BUCKET                      = output.static_bucket
      GALLERY_TABLE                      = "imageplatform-staging-images"
      SHORTLINKS_TABLE                   = "imageplatform-staging-shortlinks"
      PUBLIC_ORIGIN                      = output.public_origin
      APP_SECRET_ARN                     = output.app_secret_arn
      DATABASE_SECRET_ARN                = output.database_secret_arn
      DATABASE_HOST                      = output.database_host
      DATABASE_PORT                      = tostring(output.database_port)
      DATABASE_NAME                      = output.database_name
      DATABASE_CONN_MAX_AGE              = "0"
      ORIGIN_VERIFY_HEADER               = output.origin_verify_header
      AWS_S3_US_EAST_1_REGIONAL_ENDPOINT = "regional"
      GALLERY_SCANNER                    = "guardduty"
    })
    error_message = "lambda_environment is the hand-off to Zappa, in the app's variable names."
  }

  assert {
    condition = alltrue([for o in [
      output.lambda_role_arn, output.gallery_bucket, output.gallery_bucket_arn, output.static_bucket, output.deploy_bucket,
      output.cloudfront_distribution_id, output.cloudfront_domain, output.alarm_topic_arn, output.waf_web_acl_arn,
      output.aws_region, output.public_origin, output.app_secret_arn, output.database_secret_arn, output.database_host,
      output.database_name, output.origin_verify_header,
    ] : o != null && o != ""]) && length(output.vpc_subnet_ids) == 2 && length(output.vpc_security_group_ids) == 1
    error_message = "Every output Zappa and the pipeline read has a value."
  }

  assert {
    condition     = startswith(output.public_origin, "https://") && output.origin_verify_header == "X-Origin-Verify"
    error_message = "public_origin is an https:// origin; the origin-verify header is X-Origin-Verify."
  }
}

run "staging_database_and_concurrency" {
  command = apply

  assert {
    condition = (
      output.database_settings.min_capacity == 0 &&
      output.database_settings.seconds_until_auto_pause == 600 &&
      output.database_settings.storage_encrypted &&
      !output.database_settings.deletion_protection &&
      output.database_settings.skip_final_snapshot
    )
    error_message = "Staging's database scales to zero, is encrypted, and needs neither deletion protection nor a final snapshot."
  }

  assert {
    condition     = output.lambda_reserved_concurrency == 10 && output.database_max_connections == 189 && 2 * output.lambda_reserved_concurrency + 13 <= output.database_max_connections
    error_message = "Staging's concurrency (10) stays below the database's connections (189 at 1 ACU)."
  }
}

run "role_and_log_group_are_for_the_zappa_dev_function" {
  command = apply

  assert {
    condition     = module.platform.lambda_function_name == "imageplatform-dev" && module.platform.lambda_log_group_name == "/aws/lambda/imageplatform-dev"
    error_message = "zappa_settings.json's dev stage deploys imageplatform-dev into staging: the log group and alarms must name it."
  }
}

run "takedown_invalidator_and_guardduty_scanning" {
  command = apply

  assert {
    condition = (
      output.invalidations_table == "imageplatform-staging-invalidations" &&
      output.lambda_environment.PLATFORM_INVALIDATIONS_TABLE == "imageplatform-staging-invalidations" &&
      output.invalidator_function_name == "imageplatform-staging-invalidator" &&
      module.platform.tables["invalidations"].stream == "NEW_IMAGE"
    )
    error_message = "The invalidations table streams to the takedown invalidator."
  }

  assert {
    condition     = output.scanner == "guardduty" && output.malware_findings_queue_arn != null && output.malware_findings_topic_arn == null
    error_message = "terraform.tfvars chooses GuardDuty: its findings reach Zappa through the findings queue, no topic."
  }
}
