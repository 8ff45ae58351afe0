# AMY (see README.md): the test and production stages, each a host behind an HTTPS
# load balancer with an ACM certificate, and a PostgreSQL database; the names in a
# Route 53 zone.

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project    = "amy"
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

resource "aws_route53_zone" "main" {
  name    = var.domain
  comment = "AMY and friends"
}

resource "aws_key_pair" "deploy" {
  key_name   = "amy-deploy"
  public_key = var.ssh_public_key
}

module "stage" {
  source   = "./modules/stage"
  for_each = var.stages

  stage                  = each.key
  hostname               = "${each.value.hostname}.${var.domain}"
  zone_id                = aws_route53_zone.main.zone_id
  ami                    = data.aws_ami.ubuntu.id
  instance_type          = each.value.instance_type
  db_instance_class      = each.value.db_instance_class
  db_password            = var.db_password
  key_name               = aws_key_pair.deploy.key_name
  vpc_id                 = data.aws_vpc.default.id
  subnet_ids             = data.aws_subnets.default.ids
  lb_security_group_id   = aws_security_group.lb.id
  host_security_group_id = aws_security_group.host.id
  db_security_group_id   = aws_security_group.db.id
}
