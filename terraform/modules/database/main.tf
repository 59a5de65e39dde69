locals {
  engine_major = split(".", var.engine_version)[0]
  pauses       = var.min_capacity == 0
}

################################################################################
# Aurora PostgreSQL Serverless v2: Django's database (users, sessions, API tokens,
# admin log). Private subnets only; the master password is made and rotated by RDS
# in Secrets Manager (manage_master_user_password), never seen by Terraform.
################################################################################

resource "aws_db_subnet_group" "this" {
  name        = var.name
  description = "Private subnets of ${var.name}."
  subnet_ids  = var.subnet_ids
  tags        = var.tags
}

resource "aws_rds_cluster_parameter_group" "this" {
  name        = "${var.name}-aurora-postgresql${local.engine_major}"
  family      = "aurora-postgresql${local.engine_major}"
  description = "TLS-only connections for ${var.name}."

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  # Slow statements (not every statement: those would carry user data) go to the log.
  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_rds_cluster" "this" {
  #checkov:skip=CKV_AWS_327:Encrypted with the AWS managed aws/rds key; a customer managed key is available through kms_key_arn.
  #checkov:skip=CKV2_AWS_8:Aurora's automated backups (backup_retention_days) and the final snapshot cover it; AWS Backup is an account-wide choice.
  #checkov:skip=CKV2_AWS_27:Logging every statement would write user data (sessions, tokens) to CloudWatch; slow statements are logged instead.
  #checkov:skip=CKV_AWS_139:Deletion protection is on in production (deletion_protection); staging may be destroyed and rebuilt.
  cluster_identifier = var.name
  engine             = "aurora-postgresql"
  engine_mode        = "provisioned" # Serverless v2 instances live in a provisioned cluster
  engine_version     = var.engine_version
  database_name      = var.database_name
  master_username    = var.master_username
  port               = var.port

  manage_master_user_password   = true
  master_user_secret_kms_key_id = var.kms_key_arn

  db_subnet_group_name            = aws_db_subnet_group.this.name
  vpc_security_group_ids          = var.security_group_ids
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.this.name

  storage_encrypted                   = true
  kms_key_id                          = var.kms_key_arn
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql"]

  backup_retention_period   = var.backup_retention_days
  copy_tags_to_snapshot     = true
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = !var.final_snapshot
  final_snapshot_identifier = var.final_snapshot ? "${var.name}-final" : null

  serverlessv2_scaling_configuration {
    min_capacity             = var.min_capacity
    max_capacity             = var.max_capacity
    seconds_until_auto_pause = local.pauses ? var.seconds_until_auto_pause : null
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.max_capacity >= var.min_capacity && var.max_capacity >= 1
      error_message = "max_capacity must be at least 1 ACU and not below min_capacity."
    }
  }
}

resource "aws_rds_cluster_instance" "this" {
  #checkov:skip=CKV_AWS_118:Enhanced monitoring needs its own role and would keep a paused staging database from sleeping; CloudWatch's RDS metrics remain.
  #checkov:skip=CKV_AWS_353:Performance Insights needs a minimum capacity above what this small database runs at (and above zero in staging).
  #checkov:skip=CKV_AWS_354:Performance Insights is off (see above).
  count = var.instance_count

  identifier                 = "${var.name}-${count.index + 1}"
  cluster_identifier         = aws_rds_cluster.this.id
  instance_class             = "db.serverless"
  engine                     = aws_rds_cluster.this.engine
  engine_version             = aws_rds_cluster.this.engine_version
  publicly_accessible        = false
  auto_minor_version_upgrade = true
  promotion_tier             = count.index
  tags                       = var.tags
}
