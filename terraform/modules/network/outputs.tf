output "vpc_id" {
  description = "ID of the VPC."
  value       = try(aws_vpc.this.id, null)
}

output "vpc_arn" {
  description = "ARN of the VPC."
  value       = try(aws_vpc.this.arn, null)
}

output "private_subnet_ids" {
  description = "IDs of the private subnets, one per zone (Zappa vpc_config.SubnetIds, the database subnet group)."
  value       = try([for az in local.azs : aws_subnet.private[az].id], [])
}

output "private_route_table_id" {
  description = "Route table of the private subnets (the gateway endpoints are attached to it)."
  value       = try(aws_route_table.private.id, null)
}

output "function_security_group_id" {
  description = "Security group of the Lambda function (Zappa vpc_config.SecurityGroupIds)."
  value       = try(aws_security_group.function.id, null)
}

output "database_security_group_id" {
  description = "Security group of the database."
  value       = try(aws_security_group.database.id, null)
}

output "interface_endpoints" {
  description = "Interface endpoints by service name: id and number of zones."
  value       = try({ for k, e in aws_vpc_endpoint.interface : k => { id = e.id, zones = length(e.subnet_ids) } }, {})
}

output "availability_zones" {
  description = "Zones of the private subnets."
  value       = try(local.azs, [])
}
