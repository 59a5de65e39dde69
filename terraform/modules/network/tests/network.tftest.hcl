mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name                 = "imageplatform-staging"
  flow_logs_bucket_arn = "arn:aws:s3:::example-logs"
}

# Distinct ids, so the tests can tell the groups and endpoints apart.
override_resource {
  target = aws_security_group.function
  values = { id = "sg-function" }
}

override_resource {
  target = aws_security_group.database
  values = { id = "sg-database" }
}

override_resource {
  target = aws_security_group.endpoints
  values = { id = "sg-endpoints" }
}

override_resource {
  target = aws_subnet.private["us-east-1a"]
  values = { id = "subnet-a" }
}

override_resource {
  target = aws_subnet.private["us-east-1b"]
  values = { id = "subnet-b" }
}

override_resource {
  target = aws_route_table.private
  values = { id = "rtb-private" }
}

run "private_network" {
  command = apply

  assert {
    condition     = length(aws_subnet.private) == 2 && toset([for s in aws_subnet.private : s.availability_zone]) == toset(["us-east-1a", "us-east-1b"])
    error_message = "Two private subnets, in two zones."
  }

  assert {
    condition     = alltrue([for s in aws_subnet.private : !s.map_public_ip_on_launch])
    error_message = "No subnet gives public addresses."
  }

  assert {
    condition     = length(aws_route_table.private.route) == 0
    error_message = "The private route table has no route of its own: no internet gateway, no NAT gateway (gateway endpoints add their prefix-list routes)."
  }

  assert {
    condition     = alltrue([for a in aws_route_table_association.private : a.route_table_id == "rtb-private"]) && length(aws_route_table_association.private) == 2
    error_message = "Both subnets use the private route table."
  }

  assert {
    condition = toset(keys(aws_vpc_endpoint.gateway)) == toset(["s3", "dynamodb"]) && alltrue([
      for k, e in aws_vpc_endpoint.gateway :
      e.vpc_endpoint_type == "Gateway" && e.service_name == "com.amazonaws.us-east-1.${k}" && toset(e.route_table_ids) == toset(["rtb-private"])
    ])
    error_message = "S3 and DynamoDB are reached through gateway endpoints attached to the private route table."
  }

  assert {
    condition = (
      toset(keys(aws_vpc_endpoint.interface)) == toset(["secretsmanager"]) &&
      aws_vpc_endpoint.interface["secretsmanager"].vpc_endpoint_type == "Interface" &&
      aws_vpc_endpoint.interface["secretsmanager"].private_dns_enabled &&
      length(aws_vpc_endpoint.interface["secretsmanager"].subnet_ids) == 2 &&
      toset(aws_vpc_endpoint.interface["secretsmanager"].security_group_ids) == toset(["sg-endpoints"])
    )
    error_message = "Secrets Manager has a private-DNS interface endpoint in both zones, behind its own group."
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.database_from_function.security_group_id == "sg-database" &&
      aws_vpc_security_group_ingress_rule.database_from_function.referenced_security_group_id == "sg-function" &&
      aws_vpc_security_group_ingress_rule.database_from_function.from_port == 5432 &&
      aws_vpc_security_group_ingress_rule.database_from_function.to_port == 5432 &&
      aws_vpc_security_group_ingress_rule.database_from_function.cidr_ipv4 == null
    )
    error_message = "Only the function's security group reaches the database port."
  }

  assert {
    condition     = length(aws_security_group.database.ingress) == 0 && length(aws_security_group.database.egress) == 0
    error_message = "The database group has no inline rules besides the one rule from the function's group."
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.endpoints_from_function.referenced_security_group_id == "sg-function" &&
      aws_vpc_security_group_ingress_rule.endpoints_from_function.from_port == 443
    )
    error_message = "Only the function reaches the interface endpoints."
  }

  assert {
    condition = alltrue([
      for r in concat(
        [aws_vpc_security_group_egress_rule.function_to_database, aws_vpc_security_group_egress_rule.function_to_endpoints],
        values(aws_vpc_security_group_egress_rule.function_to_gateway_endpoints),
      ) : r.cidr_ipv4 == null && r.cidr_ipv6 == null
    ])
    error_message = "The function's egress goes to groups and AWS prefix lists only, never to an address range such as 0.0.0.0/0."
  }

  assert {
    condition     = length(aws_default_security_group.this.ingress) == 0 && length(aws_default_security_group.this.egress) == 0
    error_message = "The VPC's default security group allows nothing."
  }

  assert {
    condition     = aws_flow_log.this[0].log_destination == "arn:aws:s3:::example-logs/vpc/" && aws_flow_log.this[0].traffic_type == "ALL"
    error_message = "Flow logs go to the logs bucket."
  }

  assert {
    condition     = output.private_subnet_ids == [aws_subnet.private["us-east-1a"].id, aws_subnet.private["us-east-1b"].id] && output.function_security_group_id == "sg-function"
    error_message = "Outputs give Zappa's vpc_config."
  }
}

run "one_zone_endpoints" {
  command = plan

  variables {
    interface_endpoint_zones = 1
    availability_zones       = ["eu-west-1b", "eu-west-1c"]
  }

  assert {
    condition     = length(aws_vpc_endpoint.interface["secretsmanager"].subnet_ids) == 1
    error_message = "interface_endpoint_zones = 1 puts the endpoint in one zone."
  }
}

run "rejects_one_zone" {
  command = plan

  variables {
    availability_zones = ["us-east-1a"]
  }

  expect_failures = [var.availability_zones]
}

run "rejects_gateway_services_as_interface_endpoints" {
  command = plan

  variables {
    interface_endpoints = ["secretsmanager", "s3"]
  }

  expect_failures = [var.interface_endpoints]
}

run "without_flow_logs" {
  command = plan

  variables {
    flow_logs = false
  }

  assert {
    condition     = length(aws_flow_log.this) == 0
    error_message = "flow_logs = false turns them off."
  }
}
