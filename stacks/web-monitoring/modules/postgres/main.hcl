# One web-monitoring-db database: PostgreSQL on RDS with automatic backups and
# storage that grows by itself up to a ceiling.

variable "environment" {
  type = string
}

variable "instance_class" {
  type = string
}

variable "allocated_storage" {
  type = number
}

variable "max_allocated_storage" {
  description = "Storage autoscaling ceiling, in GB."
  type        = number
}

variable "parameter_group_name" {
  type = string
}

variable "security_group_ids" {
  type = list(string)
}

variable "password" {
  type      = string
  sensitive = true
}

variable "deletion_protection" {
  type = bool
}

variable "backup_retention_days" {
  type    = number
  default = 7
}

resource "aws_db_instance" "this" {
  identifier            = "web-monitoring-db-${var.environment}"
  engine                = "postgres"
  engine_version        = "14"
  instance_class        = var.instance_class
  allocated_storage     = var.allocated_storage
  max_allocated_storage = var.max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true

  db_name  = "web_monitoring_db"
  username = "web_monitoring"
  password = var.password

  parameter_group_name   = var.parameter_group_name
  vpc_security_group_ids = var.security_group_ids
  publicly_accessible    = false

  backup_retention_period = var.backup_retention_days
  backup_window           = "03:00-04:00"
  maintenance_window      = "sun:05:00-sun:06:00"

  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = var.environment != "production"
  final_snapshot_identifier = "web-monitoring-db-${var.environment}-final"
  apply_immediately         = true

  tags = {
    Name = "web-monitoring-db-${var.environment}"
  }
}

output "address" {
  value = aws_db_instance.this.address
}

output "endpoint" {
  value = aws_db_instance.this.endpoint
}
