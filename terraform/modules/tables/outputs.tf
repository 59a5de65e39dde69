output "tables" {
  description = "Map of definition key (images, shortlinks, ...) to the table's name, ARN, setting name and index names."
  value = try({
    for key, table in aws_dynamodb_table.this : key => {
      name    = table.name
      arn     = table.arn
      setting = var.definition.tables[key].setting
      indexes = [for i in var.definition.tables[key].global_secondary_indexes : i.name]
    }
  }, {})
}

output "table_names_by_setting" {
  description = "Map of app setting (GALLERY_TABLE, SHORTLINKS_TABLE) to table name, ready for the Lambda environment."
  value       = try({ for key, table in aws_dynamodb_table.this : var.definition.tables[key].setting => table.name }, {})
}

output "table_arns" {
  description = "ARNs of the tables and of all their indexes (\"<table arn>/index/*\"), for IAM policies."
  value       = try(flatten([for table in aws_dynamodb_table.this : [table.arn, "${table.arn}/index/*"]]), [])
}

output "table_names" {
  description = "Names of all tables, for alarms."
  value       = try([for table in aws_dynamodb_table.this : table.name], [])
}
