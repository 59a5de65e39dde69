output "cluster_identifier" {
  description = "Identifier of the Aurora cluster."
  value       = try(aws_rds_cluster.this.cluster_identifier, null)
}

output "cluster_arn" {
  description = "ARN of the Aurora cluster."
  value       = try(aws_rds_cluster.this.arn, null)
}

output "host" {
  description = "Writer endpoint of the cluster (DATABASE_HOST)."
  value       = try(aws_rds_cluster.this.endpoint, null)
}

output "port" {
  description = "PostgreSQL port (DATABASE_PORT)."
  value       = try(aws_rds_cluster.this.port, null)
}

output "database_name" {
  description = "Name of Django's database (DATABASE_NAME)."
  value       = try(aws_rds_cluster.this.database_name, null)
}

output "secret_arn" {
  description = "ARN of the Secrets Manager secret RDS manages for the master user: JSON with username and password (DATABASE_SECRET_ARN)."
  value       = try(aws_rds_cluster.this.master_user_secret[0].secret_arn, null)
}

output "settings" {
  description = "The settings the environments' tests check: capacity range, auto-pause, protection, snapshots, encryption."
  value = try({
    min_capacity             = aws_rds_cluster.this.serverlessv2_scaling_configuration[0].min_capacity
    max_capacity             = aws_rds_cluster.this.serverlessv2_scaling_configuration[0].max_capacity
    seconds_until_auto_pause = aws_rds_cluster.this.serverlessv2_scaling_configuration[0].seconds_until_auto_pause
    deletion_protection      = aws_rds_cluster.this.deletion_protection
    skip_final_snapshot      = aws_rds_cluster.this.skip_final_snapshot
    final_snapshot_id        = aws_rds_cluster.this.final_snapshot_identifier
    storage_encrypted        = aws_rds_cluster.this.storage_encrypted
    instance_count           = length(aws_rds_cluster_instance.this)
  }, null)
}
