output "tables" {
  description = "Map of definition key (images, shortlinks, ...) to the table as created: name, ARN, setting, keys, index names and TTL attribute."
  value = try({
    for key, table in aws_dynamodb_table.this : key => {
      name          = table.name
      arn           = table.arn
      setting       = var.definition.tables[key].setting
      hash_key      = table.hash_key
      range_key     = table.range_key
      indexes       = sort([for i in table.global_secondary_index : i.name])
      ttl_attribute = try(table.ttl[0].attribute_name, null)
      stream        = table.stream_enabled ? table.stream_view_type : null
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

output "stream_arns" {
  description = "Map of definition key to the table's stream ARN, for the tables whose definition sets stream_view_type."
  value       = try({ for key, table in aws_dynamodb_table.this : key => table.stream_arn if var.definition.tables[key].stream_view_type != null }, {})
}
