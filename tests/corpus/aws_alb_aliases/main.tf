data "aws_vpc" "main" {
  default = true
}

data "aws_subnets" "public" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.main.id]
  }
}

data "aws_ami" "ubuntu" {
  most_recent = true
  owners      = ["099720109477"] # Canonical

  # Adapted: moto ships only older Ubuntu images, so any release matches.
  filter {
    name   = "name"
    values = ["ubuntu/images/hvm-ssd/ubuntu-*-amd64-server-*"]
  }
}

resource "aws_alb" "legacy" {
  name     = "legacy-alb"
  internal = false
  subnets  = data.aws_subnets.public.ids
}

resource "aws_alb_target_group" "legacy" {
  name     = "legacy-alb-tg"
  port     = 80
  protocol = "HTTP"
  vpc_id   = data.aws_vpc.main.id
}

resource "aws_alb_listener" "legacy" {
  load_balancer_arn = aws_alb.legacy.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_alb_target_group.legacy.arn
  }
}

resource "aws_instance" "legacy" {
  ami           = data.aws_ami.ubuntu.id
  instance_type = "t3.micro"
}

resource "aws_alb_target_group_attachment" "legacy" {
  target_group_arn = aws_alb_target_group.legacy.arn
  target_id        = aws_instance.legacy.id
  port             = 80
}
