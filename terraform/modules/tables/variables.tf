variable "name_prefix" {
  description = "Prefix of every table name; a table is named \"<name_prefix>-<suffix>\"."
  type        = string
}

variable "definition" {
  description = "The table definition shared with the app (imageplatform/dynamodb.json, passed through jsondecode). Extra keys such as _comment and s3_prefixes are ignored; stream_view_type (optional) turns on the table's stream."
  type = object({
    tables = map(object({
      setting          = string
      suffix           = string
      hash_key         = string
      range_key        = optional(string)
      attributes       = map(string)
      ttl_attribute    = optional(string)
      stream_view_type = optional(string)
      global_secondary_indexes = optional(list(object({
        name               = string
        hash_key           = string
        range_key          = optional(string)
        projection         = string
        non_key_attributes = optional(list(string))
      })), [])
    }))
  })

  validation {
    condition = alltrue(flatten([
      for t in values(var.definition.tables) : [
        for type in values(t.attributes) : contains(["S", "N", "B"], type)
      ]
    ]))
    error_message = "Attribute types must be S, N or B."
  }

  validation {
    condition = alltrue(flatten([
      for t in values(var.definition.tables) : [
        for key in compact(concat(
          [t.hash_key, t.range_key],
          flatten([for i in t.global_secondary_indexes : [i.hash_key, i.range_key]]),
        )) : contains(keys(t.attributes), key)
      ]
    ]))
    error_message = "Every table and index key must be declared in the table's attributes."
  }

  validation {
    condition     = alltrue([for t in values(var.definition.tables) : contains(["NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"], coalesce(t.stream_view_type, "NEW_IMAGE"))])
    error_message = "stream_view_type must be NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES or KEYS_ONLY (or absent: no stream)."
  }

  validation {
    condition = alltrue(flatten([
      for t in values(var.definition.tables) : [
        for i in t.global_secondary_indexes : contains(["ALL", "KEYS_ONLY", "INCLUDE"], i.projection)
      ]
    ]))
    error_message = "Index projections must be ALL, KEYS_ONLY or INCLUDE."
  }
}

variable "deletion_protection" {
  description = "Whether DynamoDB deletion protection is on (true in production)."
  type        = bool
  default     = false
}

variable "point_in_time_recovery" {
  description = "Whether point-in-time recovery (35 days of continuous backups) is on."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "ARN of a customer managed KMS key for table encryption. Null means the AWS owned key (the DynamoDB default, no extra cost)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for the tables."
  type        = map(string)
  default     = {}
}
