# EDGI's manually managed services (see README.md): the Redis cache host with its
# Elastic IP, the ETL, ia-archiver and metrics hosts, and the production and staging
# PostgreSQL databases of web-monitoring-db.

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project    = "web-monitoring"
      managed_by = "iac"
    }
  }
}

locals {
  databases = {
    production = { instance_class = var.production_db_class, allocated_storage = 100, max_allocated_storage = 500 }
    staging    = { instance_class = "db.t4g.small", allocated_storage = 20, max_allocated_storage = 100 }
  }
  host_groups = {
    redis         = [aws_security_group.ssh.id, aws_security_group.redis.id]
    etl           = [aws_security_group.ssh.id]
    "ia-archiver" = [aws_security_group.ssh.id]
    metrics       = [aws_security_group.ssh.id, aws_security_group.metrics.id]
  }
}

data "aws_vpc" "default" {
  default = true
}

data "aws_ami" "ubuntu" {
  most_recent = true
  owners      = ["099720109477"] # Canonical

  filter {
    name   = "name"
    values = ["ubuntu/images/hvm-ssd/ubuntu-*-amd64-server-*"]
  }
}

resource "aws_key_pair" "ops" {
  key_name   = "web-monitoring-ops"
  public_key = var.ssh_public_key
}

module "host" {
  source   = "./modules/host"
  for_each = var.hosts

  name               = each.key
  role               = each.value.role
  ami                = data.aws_ami.ubuntu.id
  instance_type      = each.value.instance_type
  disk_gb            = each.value.disk_gb
  elastic_ip         = each.value.elastic_ip
  key_name           = aws_key_pair.ops.key_name
  security_group_ids = local.host_groups[each.value.role]
}

# work_mem is in kB; shared_buffers and effective_cache_size are in 8 kB pages, as
# fractions of the instance's memory (a quarter and a half), so they follow the class.
resource "aws_db_parameter_group" "postgres14" {
  name        = "web-monitoring-postgres14"
  family      = "postgres14"
  description = "web-monitoring-db tuning"

  parameter {
    name  = "work_mem"
    value = "16384"
  }

  parameter {
    name         = "shared_buffers"
    value        = "{DBInstanceClassMemory/32768}"
    apply_method = "pending-reboot"
  }

  parameter {
    name  = "effective_cache_size"
    value = "{DBInstanceClassMemory/16384}"
  }
}

module "database" {
  source   = "./modules/postgres"
  for_each = local.databases

  environment           = each.key
  instance_class        = each.value.instance_class
  allocated_storage     = each.value.allocated_storage
  max_allocated_storage = each.value.max_allocated_storage
  parameter_group_name  = aws_db_parameter_group.postgres14.name
  security_group_ids    = [aws_security_group.postgres.id]
  password              = var.db_password
  deletion_protection   = each.key == "production" && var.protect_production_db
}
