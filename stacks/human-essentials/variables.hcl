variable "region" {
  type    = string
  default = "us-east-1"
}

variable "environments" {
  description = "The Cloud66 applications; production alone is load balanced."
  type = map(object({
    instance_type = string
    load_balanced = bool
  }))
  default = {
    production = { instance_type = "t3.large", load_balanced = true }
    staging    = { instance_type = "t3.medium", load_balanced = false }
  }
}

variable "bucket_prefix" {
  description = "The buckets are <prefix>-production, -staging and -backups."
  type        = string
  default     = "human-essential"
}

variable "backup_retention_days" {
  description = "pg_dump backups (every 4 hours) older than this are deleted."
  type        = number
  default     = 30
}

variable "db_instance_class" {
  type    = string
  default = "db.t3.medium"
}

variable "db_password" {
  description = "The master password (set IAC_VAR_db_password)."
  type        = string
  sensitive   = true
}

variable "ssh_public_key" {
  type = string
}
