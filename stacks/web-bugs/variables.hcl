variable "environment" {
  description = "Which deployment this is; it names the bucket."
  type        = string
  default     = "production"

  validation {
    condition     = contains(["production", "staging"], var.environment)
    error_message = "environment must be production or staging."
  }
}

variable "region" {
  description = "The AWS region of the snapshot bucket."
  type        = string
  default     = "eu-west-1"
}

variable "snapshot_retention_days" {
  description = "Snapshots older than this are deleted, as remove-old-snapshots did."
  type        = number
  default     = 7
}
