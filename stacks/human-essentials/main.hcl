# Human Essentials (see README.md): the staging and production servers, production's
# load balancer, the database both share, and the three S3 buckets.

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project    = "human-essentials"
      managed_by = "iac"
    }
  }
}

data "aws_vpc" "default" {
  default = true
}

data "aws_subnets" "default" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }
}

data "aws_ami" "ubuntu" {
  most_recent = true
  owners      = ["099720109477"] # Canonical

  filter {
    name   = "name"
    values = ["ubuntu/images/hvm-ssd/ubuntu-*-amd64-server-*"]
  }
}

resource "aws_key_pair" "cloud66" {
  key_name   = "human-essentials-cloud66"
  public_key = var.ssh_public_key
}

module "app" {
  source   = "./modules/app"
  for_each = var.environments

  environment             = each.key
  ami                     = data.aws_ami.ubuntu.id
  instance_type           = each.value.instance_type
  load_balanced           = each.value.load_balanced
  key_name                = aws_key_pair.cloud66.key_name
  vpc_id                  = data.aws_vpc.default.id
  subnet_ids              = data.aws_subnets.default.ids
  host_security_group_ids = [aws_security_group.app.id]
  lb_security_group_id    = aws_security_group.lb.id
}

# One PostgreSQL instance; production and staging are two logical databases in it.
resource "aws_db_instance" "shared" {
  identifier        = "human-essentials"
  engine            = "postgres"
  engine_version    = "16"
  instance_class    = var.db_instance_class
  allocated_storage = 50
  storage_type      = "gp3"
  storage_encrypted = true

  username = "human_essentials"
  password = var.db_password

  vpc_security_group_ids  = [aws_security_group.db.id]
  backup_retention_period = 7
  backup_window           = "07:00-08:00"
  maintenance_window      = "sun:09:00-sun:10:00"

  skip_final_snapshot       = false
  final_snapshot_identifier = "human-essentials-final"
  apply_immediately         = true
}
