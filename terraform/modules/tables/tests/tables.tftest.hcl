# The tables come from the definition the app uses (imageplatform/dynamodb.json).
mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name_prefix = "imageplatform-staging"
  definition  = jsondecode(file("../../../imageplatform/dynamodb.json"))
}

run "tables_match_the_shared_definition" {
  command = apply

  assert {
    condition     = sort(keys(aws_dynamodb_table.this)) == sort(keys(var.definition.tables))
    error_message = "One table per entry of the definition."
  }

  assert {
    condition = alltrue([
      for k, t in var.definition.tables :
      aws_dynamodb_table.this[k].name == "imageplatform-staging-${t.suffix}" &&
      aws_dynamodb_table.this[k].hash_key == t.hash_key &&
      aws_dynamodb_table.this[k].range_key == t.range_key
    ])
    error_message = "Table names are <prefix>-<suffix> and keys follow the definition."
  }

  assert {
    condition = alltrue([
      for k, t in var.definition.tables :
      tomap({ for a in aws_dynamodb_table.this[k].attribute : a.name => a.type }) == tomap(t.attributes)
    ])
    error_message = "Attribute definitions follow the definition."
  }

  assert {
    condition = alltrue([
      for k, t in var.definition.tables :
      { for i in aws_dynamodb_table.this[k].global_secondary_index : i.name => [i.hash_key, i.range_key, i.projection_type] } ==
      { for i in t.global_secondary_indexes : i.name => [i.hash_key, i.range_key, i.projection] }
    ])
    error_message = "Global secondary indexes (name, keys, projection) follow the definition."
  }

  assert {
    condition = alltrue([
      for k, t in var.definition.tables :
      t.ttl_attribute == null ? length(aws_dynamodb_table.this[k].ttl) == 0 : (aws_dynamodb_table.this[k].ttl[0].attribute_name == t.ttl_attribute && aws_dynamodb_table.this[k].ttl[0].enabled)
    ])
    error_message = "TTL is on the definition's expiry attribute, and only where it names one."
  }

  assert {
    condition = alltrue([
      for t in aws_dynamodb_table.this :
      t.billing_mode == "PAY_PER_REQUEST" && t.point_in_time_recovery[0].enabled && !t.deletion_protection_enabled
    ])
    error_message = "Tables are on-demand with PITR; deletion protection is off unless asked for."
  }

  assert {
    condition = (
      output.table_names_by_setting == { for t in values(var.definition.tables) : t.setting => "imageplatform-staging-${t.suffix}" } &&
      output.table_names_by_setting["GALLERY_TABLE"] == "imageplatform-staging-images" &&
      output.table_names_by_setting["PLATFORM_INVALIDATIONS_TABLE"] == "imageplatform-staging-invalidations"
    )
    error_message = "Table names are published under the app's setting names."
  }

  assert {
    condition = alltrue([
      for k, t in var.definition.tables :
      try(t.stream_view_type, null) == null ? !aws_dynamodb_table.this[k].stream_enabled : (aws_dynamodb_table.this[k].stream_enabled && aws_dynamodb_table.this[k].stream_view_type == t.stream_view_type)
    ])
    error_message = "A table has a stream exactly when the definition names a stream_view_type, with that view."
  }

  assert {
    condition = (
      aws_dynamodb_table.this["invalidations"].stream_enabled && aws_dynamodb_table.this["invalidations"].stream_view_type == "NEW_IMAGE" &&
      !aws_dynamodb_table.this["images"].stream_enabled && !aws_dynamodb_table.this["shortlinks"].stream_enabled &&
      contains(keys(output.stream_arns), "invalidations") && output.tables["invalidations"].stream == "NEW_IMAGE" &&
      toset(keys(output.stream_arns)) == toset([for k, t in var.definition.tables : k if try(t.stream_view_type, null) != null])
    )
    error_message = "The invalidations table streams (NEW_IMAGE) to the CDN invalidator; the gallery tables do not stream."
  }

  assert {
    condition     = length(output.table_arns) == 2 * length(var.definition.tables)
    error_message = "IAM gets each table ARN and its index wildcard."
  }
}

run "deletion_protection_on_request" {
  command = plan

  variables {
    deletion_protection = true
  }

  assert {
    condition     = alltrue([for t in aws_dynamodb_table.this : t.deletion_protection_enabled])
    error_message = "Deletion protection applies to every table."
  }
}

run "rejects_keys_missing_from_attributes" {
  command = plan

  variables {
    definition = {
      tables = {
        broken = {
          setting    = "BROKEN_TABLE"
          suffix     = "broken"
          hash_key   = "id"
          attributes = { code = "S" }
        }
      }
    }
  }

  expect_failures = [var.definition]
}

run "rejects_unknown_stream_view_type" {
  command = plan

  variables {
    definition = {
      tables = {
        queue = {
          setting          = "QUEUE_TABLE"
          suffix           = "queue"
          hash_key         = "id"
          attributes       = { id = "S" }
          stream_view_type = "NEW_IMAGES"
        }
      }
    }
  }

  expect_failures = [var.definition]
}
