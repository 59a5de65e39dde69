mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name               = "imageplatform-production"
  subnet_ids         = ["subnet-a", "subnet-b"]
  security_group_ids = ["sg-database"]
}

run "production_defaults" {
  command = apply

  assert {
    condition = (
      aws_rds_cluster.this.engine == "aurora-postgresql" &&
      aws_rds_cluster.this.engine_mode == "provisioned" &&
      alltrue([for i in aws_rds_cluster_instance.this : i.instance_class == "db.serverless" && !i.publicly_accessible])
    )
    error_message = "Aurora PostgreSQL Serverless v2, never publicly accessible."
  }

  assert {
    condition     = aws_rds_cluster.this.storage_encrypted
    error_message = "Storage is encrypted."
  }

  assert {
    condition     = aws_rds_cluster.this.manage_master_user_password && aws_rds_cluster.this.master_password == null
    error_message = "RDS makes and keeps the master password in Secrets Manager; Terraform never holds it."
  }

  assert {
    condition     = aws_rds_cluster.this.deletion_protection && !aws_rds_cluster.this.skip_final_snapshot && aws_rds_cluster.this.final_snapshot_identifier == "imageplatform-production-final"
    error_message = "By default the cluster is deletion protected and takes a final snapshot."
  }

  assert {
    condition = (
      aws_rds_cluster.this.serverlessv2_scaling_configuration[0].min_capacity == 0.5 &&
      aws_rds_cluster.this.serverlessv2_scaling_configuration[0].max_capacity == 4 &&
      coalesce(aws_rds_cluster.this.serverlessv2_scaling_configuration[0].seconds_until_auto_pause, 0) == 0
    )
    error_message = "A small minimum (0.5 ACU) that never pauses, up to 4 ACU."
  }

  assert {
    condition     = toset(aws_rds_cluster.this.vpc_security_group_ids) == toset(var.security_group_ids) && toset(aws_db_subnet_group.this.subnet_ids) == toset(var.subnet_ids)
    error_message = "The cluster sits in the given private subnets behind the given group only."
  }

  assert {
    condition     = one([for p in aws_rds_cluster_parameter_group.this.parameter : p.value if p.name == "rds.force_ssl"]) == "1"
    error_message = "Connections must use TLS."
  }

  assert {
    condition     = output.secret_arn == "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-example-AbCdEf" && output.port == 5432 && output.database_name == "imageplatform"
    error_message = "Outputs give the secret RDS manages, the port and the database name."
  }
}

run "staging_scales_to_zero" {
  command = plan

  variables {
    name                = "imageplatform-staging"
    min_capacity        = 0
    max_capacity        = 1
    deletion_protection = false
    final_snapshot      = false
  }

  assert {
    condition = (
      aws_rds_cluster.this.serverlessv2_scaling_configuration[0].min_capacity == 0 &&
      aws_rds_cluster.this.serverlessv2_scaling_configuration[0].seconds_until_auto_pause == 600
    )
    error_message = "min_capacity 0 pauses the cluster after ten idle minutes."
  }

  assert {
    condition     = !aws_rds_cluster.this.deletion_protection && aws_rds_cluster.this.skip_final_snapshot && aws_rds_cluster.this.final_snapshot_identifier == null
    error_message = "A disposable cluster has neither deletion protection nor a final snapshot."
  }
}

run "rejects_max_below_min" {
  command = plan

  variables {
    min_capacity = 4
    max_capacity = 2
  }

  expect_failures = [aws_rds_cluster.this]
}

run "rejects_one_subnet" {
  command = plan

  variables {
    subnet_ids = ["subnet-a"]
  }

  expect_failures = [var.subnet_ids]
}
