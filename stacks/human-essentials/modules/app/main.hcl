# One Cloud66 application's server: an EC2 host, and when load_balanced, an
# application load balancer in front of it.

variable "environment" {
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

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  description = "At least two, in different zones, for the load balancer."
  type        = list(string)
}

variable "host_security_group_ids" {
  type = list(string)
}

variable "lb_security_group_id" {
  type = string
}

variable "load_balanced" {
  type = bool
}

resource "aws_instance" "app" {
  ami                    = var.ami
  instance_type          = var.instance_type
  key_name               = var.key_name
  subnet_id              = var.subnet_ids[0]
  vpc_security_group_ids = var.host_security_group_ids

  root_block_device {
    volume_size = 40
    volume_type = "gp3"
  }

  tags = {
    Name = "human-essentials-${var.environment}"
  }
}

# Without a load balancer the host is reached directly, at an address that stays.
resource "aws_eip" "app" {
  count = var.load_balanced ? 0 : 1

  domain   = "vpc"
  instance = aws_instance.app.id

  tags = {
    Name = "human-essentials-${var.environment}"
  }
}

resource "aws_lb" "app" {
  count = var.load_balanced ? 1 : 0

  name               = "human-essentials-${var.environment}"
  load_balancer_type = "application"
  security_groups    = [var.lb_security_group_id]
  subnets            = slice(var.subnet_ids, 0, 2)
}

resource "aws_lb_target_group" "app" {
  count = var.load_balanced ? 1 : 0

  name     = "human-essentials-${var.environment}"
  port     = 80
  protocol = "HTTP"
  vpc_id   = var.vpc_id

  health_check {
    path    = "/"
    matcher = "200-399"
  }
}

resource "aws_lb_target_group_attachment" "app" {
  count = var.load_balanced ? 1 : 0

  target_group_arn = aws_lb_target_group.app[0].arn
  target_id        = aws_instance.app.id
  port             = 80
}

resource "aws_lb_listener" "http" {
  count = var.load_balanced ? 1 : 0

  load_balancer_arn = aws_lb.app[0].arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app[0].arn
  }
}

output "address" {
  description = "Where the application answers: the load balancer's name, or the host's address."
  value       = var.load_balanced ? aws_lb.app[0].dns_name : aws_eip.app[0].public_ip
}
