# One hand-made EC2 host: the instance, and optionally an Elastic IP that keeps its
# address across replacements.

variable "name" {
  description = "The host's name; its Elastic IP is named after it."
  type        = string
}

variable "role" {
  type = string
}

variable "ami" {
  type = string
}

variable "instance_type" {
  type = string
}

variable "key_name" {
  type = string
}

variable "security_group_ids" {
  type = list(string)
}

variable "disk_gb" {
  type    = number
  default = 20
}

variable "elastic_ip" {
  description = "Whether the host keeps a fixed public address."
  type        = bool
  default     = false
}

resource "aws_instance" "this" {
  ami                    = var.ami
  instance_type          = var.instance_type
  key_name               = var.key_name
  vpc_security_group_ids = var.security_group_ids

  root_block_device {
    volume_size = var.disk_gb
    volume_type = "gp3"
  }

  tags = {
    Name = var.name
    role = var.role
  }
}

resource "aws_eip" "this" {
  count = var.elastic_ip ? 1 : 0

  domain   = "vpc"
  instance = aws_instance.this.id

  tags = {
    Name = "${var.name}-ip"
  }
}

output "id" {
  value = aws_instance.this.id
}

output "private_ip" {
  value = aws_instance.this.private_ip
}

output "public_ip" {
  value = var.elastic_ip ? aws_eip.this[0].public_ip : aws_instance.this.public_ip
}
