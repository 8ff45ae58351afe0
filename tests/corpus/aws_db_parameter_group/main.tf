resource "aws_db_parameter_group" "default" {
  name   = "rds-pg"
  family = "mysql5.6"

  parameter {
    name  = "character_set_server"
    value = "utf8"
  }

  parameter {
    name  = "character_set_client"
    value = "utf8"
  }
}

resource "aws_db_parameter_group" "postgres" {
  name_prefix = "pg14-"
  family      = "postgres14"
  description = "Postgres tuning"

  parameter {
    name         = "shared_buffers"
    value        = "16384"
    apply_method = "pending-reboot"
  }

  tags = {
    Environment = "test"
  }
}
