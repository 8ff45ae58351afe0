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

variable "domain" {
  description = "The Route 53 zone the host's name goes in; it must exist already."
  type        = string
  default     = "webcompat.com"
}

variable "instance_type" {
  description = "The host runs Elasticsearch next to everything else: give it memory."
  type        = string
  default     = "t3.large"
}

variable "disk_gb" {
  description = "Root volume size, which holds the Elasticsearch indices."
  type        = number
  default     = 100
}

variable "admin_cidrs" {
  description = "Where SSH may come from."
  type        = list(string)
  default     = ["203.0.113.0/24"]
}

variable "ssh_public_key" {
  description = "The admins' key, installed for the ubuntu user."
  type        = string
}
