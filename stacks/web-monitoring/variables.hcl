variable "region" {
  type    = string
  default = "us-west-2"
}

variable "hosts" {
  description = "The hand-managed EC2 hosts; one line adds a host."
  type = map(object({
    role          = string
    instance_type = string
    disk_gb       = optional(number, 20)
    elastic_ip    = optional(bool, false)
  }))
  default = {
    "wm-cache"    = { role = "redis", instance_type = "r6g.large", elastic_ip = true }
    "wm-etl"      = { role = "etl", instance_type = "t3.small" }
    "ia-archiver" = { role = "ia-archiver", instance_type = "t3.micro" }
    "wm-metrics"  = { role = "metrics", instance_type = "t3.large", disk_gb = 200 }
  }
}

variable "production_db_class" {
  description = "The production database's instance class."
  type        = string
  default     = "db.t4g.medium"
}

variable "protect_production_db" {
  description = "Deletion protection on the production database."
  type        = bool
  default     = true
}

variable "db_password" {
  description = "The master password of both databases (set IAC_VAR_db_password)."
  type        = string
  sensitive   = true
}

variable "cluster_cidrs" {
  description = "The Kubernetes cluster's networks, which reach Redis and Postgres."
  type        = list(string)
  default     = ["172.31.0.0/16"]
}

variable "admin_cidrs" {
  description = "Where SSH may come from."
  type        = list(string)
  default     = ["203.0.113.0/24"]
}

variable "ssh_public_key" {
  type = string
}
