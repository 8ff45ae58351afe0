data "aws_vpc" "main" {
  default = true
}

data "aws_subnets" "public" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.main.id]
  }
}

resource "aws_security_group" "lb_sg" {
  name        = "lb_sg"
  description = "Load balancer"
  vpc_id      = data.aws_vpc.main.id

  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lb" "test" {
  name               = "test-lb-tf"
  internal           = false
  load_balancer_type = "application"
  security_groups    = [aws_security_group.lb_sg.id]
  subnets            = [for subnet in data.aws_subnets.public.ids : subnet]

  enable_deletion_protection = false
  idle_timeout               = 120

  tags = {
    Environment = "production"
  }
}

resource "aws_lb" "network" {
  name               = "test-nlb-tf"
  internal           = false
  load_balancer_type = "network"
  subnets            = data.aws_subnets.public.ids

  enable_deletion_protection = false

  tags = {
    Environment = "production"
  }
}

output "dns_name" {
  value = aws_lb.test.dns_name
}
