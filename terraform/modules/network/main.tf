data "aws_region" "current" {}

locals {
  region = data.aws_region.current.name
  # Availability zones by name: a data source would call AWS, and the offline plan has no network.
  azs = coalesce(var.availability_zones, ["${local.region}a", "${local.region}b"])
  # One /20 per zone, in the zones' order.
  subnet_cidrs = { for i, az in local.azs : az => cidrsubnet(var.cidr_block, 4, i) }
  # Interface endpoints sit in the first interface_endpoint_zones subnets (each zone is billed per hour).
  endpoint_subnet_ids = [for az in slice(local.azs, 0, var.interface_endpoint_zones) : aws_subnet.private[az].id]
}

################################################################################
# VPC: private subnets only. No internet gateway, no NAT gateway: AWS services are
# reached through the endpoints below, and nothing here is reachable from outside.
################################################################################

resource "aws_vpc" "this" {
  cidr_block           = var.cidr_block
  enable_dns_support   = true
  enable_dns_hostnames = true # private DNS names of the interface endpoints
  tags                 = merge(var.tags, { Name = var.name })
}

# The default security group of the VPC allows nothing (no rules at all).
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id
  tags   = merge(var.tags, { Name = "${var.name}-default-deny-all" })
}

resource "aws_subnet" "private" {
  for_each = local.subnet_cidrs

  vpc_id                  = aws_vpc.this.id
  cidr_block              = each.value
  availability_zone       = each.key
  map_public_ip_on_launch = false
  tags                    = merge(var.tags, { Name = "${var.name}-private-${each.key}", Tier = "private" })
}

# One route table for both subnets: the VPC's local route plus the gateway endpoints'
# prefix-list routes, which AWS adds itself. No default route.
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.this.id
  tags   = merge(var.tags, { Name = "${var.name}-private" })
}

resource "aws_route_table_association" "private" {
  for_each = aws_subnet.private

  subnet_id      = each.value.id
  route_table_id = aws_route_table.private.id
}

resource "aws_flow_log" "this" {
  count = var.flow_logs ? 1 : 0

  vpc_id                   = aws_vpc.this.id
  traffic_type             = "ALL"
  log_destination_type     = "s3"
  log_destination          = "${var.flow_logs_bucket_arn}/${var.flow_logs_prefix}"
  max_aggregation_interval = 600
  tags                     = var.tags
}

################################################################################
# Endpoints. Gateway endpoints (S3, DynamoDB) are free; each interface endpoint costs
# per zone-hour and per GB, so there is one only for what the function calls.
################################################################################

resource "aws_vpc_endpoint" "gateway" {
  for_each = toset(["s3", "dynamodb"])

  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${local.region}.${each.key}"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]
  tags              = merge(var.tags, { Name = "${var.name}-${each.key}" })
}

resource "aws_vpc_endpoint" "interface" {
  for_each = toset(var.interface_endpoints)

  vpc_id              = aws_vpc.this.id
  service_name        = "com.amazonaws.${local.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = local.endpoint_subnet_ids
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true # the SDK's default endpoint name resolves to the endpoint
  # Zones: known at plan time (the subnet ids are not), for the cost estimate.
  tags = merge(var.tags, { Name = "${var.name}-${each.key}", Zones = tostring(var.interface_endpoint_zones) })
}

################################################################################
# Security groups: the function's, the database's, the interface endpoints'.
# Only the function's group reaches the database port and the endpoints.
################################################################################

resource "aws_security_group" "function" {
  #checkov:skip=CKV2_AWS_5:Attached by Zappa (vpc_config.SecurityGroupIds from the output vpc_security_group_ids), not by Terraform.
  name        = "${var.name}-function"
  description = "The Lambda function of ${var.name}: egress to the database, the interface endpoints, S3 and DynamoDB only."
  vpc_id      = aws_vpc.this.id
  tags        = merge(var.tags, { Name = "${var.name}-function" })
}

resource "aws_security_group" "database" {
  #checkov:skip=CKV2_AWS_5:Attached to the Aurora cluster in modules/database (vpc_security_group_ids); checkov does not follow it across modules.
  name        = "${var.name}-database"
  description = "The Aurora cluster of ${var.name}: the database port from the function's group only."
  vpc_id      = aws_vpc.this.id
  tags        = merge(var.tags, { Name = "${var.name}-database" })
}

resource "aws_security_group" "endpoints" {
  name        = "${var.name}-endpoints"
  description = "Interface endpoints of ${var.name}: HTTPS from the function's group only."
  vpc_id      = aws_vpc.this.id
  tags        = merge(var.tags, { Name = "${var.name}-endpoints" })
}

resource "aws_vpc_security_group_ingress_rule" "database_from_function" {
  security_group_id            = aws_security_group.database.id
  description                  = "PostgreSQL from the function."
  ip_protocol                  = "tcp"
  from_port                    = var.database_port
  to_port                      = var.database_port
  referenced_security_group_id = aws_security_group.function.id
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_from_function" {
  security_group_id            = aws_security_group.endpoints.id
  description                  = "HTTPS (AWS APIs) from the function."
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.function.id
}

resource "aws_vpc_security_group_egress_rule" "function_to_database" {
  security_group_id            = aws_security_group.function.id
  description                  = "PostgreSQL to the database."
  ip_protocol                  = "tcp"
  from_port                    = var.database_port
  to_port                      = var.database_port
  referenced_security_group_id = aws_security_group.database.id
}

resource "aws_vpc_security_group_egress_rule" "function_to_endpoints" {
  security_group_id            = aws_security_group.function.id
  description                  = "HTTPS to the interface endpoints."
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "function_to_gateway_endpoints" {
  for_each = aws_vpc_endpoint.gateway

  security_group_id = aws_security_group.function.id
  description       = "HTTPS to ${each.key} through its gateway endpoint."
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = each.value.prefix_list_id
}
