variable "region" {
  type    = string
  default = "us-east-1"
}

variable "domain" {
  description = "The zone AMY's names live in."
  type        = string
  default     = "carpentries.org"
}

variable "stages" {
  description = "The stages, each a host, a database and a load balancer of its own."
  type = map(object({
    hostname          = string
    instance_type     = string
    db_instance_class = string
  }))
  default = {
    test       = { hostname = "test-amy", instance_type = "t3.small", db_instance_class = "db.t3.micro" }
    production = { hostname = "amy", instance_type = "t3.medium", db_instance_class = "db.t3.small" }
  }
}

variable "db_password" {
  description = "The databases' master password (set IAC_VAR_db_password)."
  type        = string
  sensitive   = true
}

variable "admin_cidrs" {
  description = "Where SSH (for the Ansible deploys) may come from."
  type        = list(string)
  default     = ["203.0.113.0/24"]
}

variable "ssh_public_key" {
  type = string
}
