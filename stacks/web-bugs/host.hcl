# The single docker-compose host (downloader, indexer, Elasticsearch, Kibana, Redis
# and the reverse proxy), its Elastic IP and its DNS name in the existing zone.

data "aws_ami" "ubuntu" {
  most_recent = true
  owners      = ["099720109477"] # Canonical

  filter {
    name   = "name"
    values = ["ubuntu/images/hvm-ssd/ubuntu-*-amd64-server-*"]
  }
}

data "aws_vpc" "default" {
  default = true
}

data "aws_route53_zone" "main" {
  name = var.domain
}

resource "aws_key_pair" "admin" {
  key_name   = "web-bugs-${var.environment}-admin"
  public_key = var.ssh_public_key
}

resource "aws_security_group" "host" {
  name        = "web-bugs-${var.environment}"
  description = "web-bugs: HTTP(S) from anywhere, SSH from the admins"
  vpc_id      = data.aws_vpc.default.id

  # The external nginx terminates TLS and forwards to the stack on 127.0.0.1:8080.
  ingress {
    description = "http"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description = "https"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.admin_cidrs
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "host" {
  ami                    = data.aws_ami.ubuntu.id
  instance_type          = var.instance_type
  key_name               = aws_key_pair.admin.key_name
  vpc_security_group_ids = [aws_security_group.host.id]
  user_data              = file("${path.module}/cloud-init.yaml")

  # Elasticsearch's indices live on the root volume.
  root_block_device {
    volume_size = var.disk_gb
    volume_type = "gp3"
  }

  tags = {
    Name = "web-bugs-${var.environment}"
  }
}

resource "aws_eip" "host" {
  domain   = "vpc"
  instance = aws_instance.host.id

  tags = {
    Name = "web-bugs-${var.environment}"
  }
}

resource "aws_route53_record" "host" {
  zone_id = data.aws_route53_zone.main.zone_id
  name    = local.hostname
  type    = "A"
  ttl     = 300
  records = [aws_eip.host.public_ip]
}
