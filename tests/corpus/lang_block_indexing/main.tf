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
  owners      = ["099720109477"]

  filter {
    name   = "name"
    values = ["ubuntu/images/hvm-ssd/ubuntu-*-amd64-server-*"]
  }
}

resource "aws_lb" "front" {
  name               = "indexing-front"
  load_balancer_type = "application"
  subnets            = data.aws_subnets.public.ids
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.front.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "ok"
      status_code  = "200"
    }
  }
}

resource "aws_instance" "app" {
  ami           = data.aws_ami.ubuntu.id
  instance_type = "t3.micro"

  root_block_device {
    volume_size = 20
  }
}

resource "aws_security_group" "web" {
  name        = "indexing-web"
  description = "Two rules"
  vpc_id      = data.aws_vpc.main.id

  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_s3_bucket" "data" {
  bucket = "corpus-indexing-data"
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket" "tagged" {
  bucket = "corpus-indexing-tagged"

  tags = {
    Listener   = aws_lb_listener.http.default_action[0].type
    Versioning = aws_s3_bucket_versioning.data.versioning_configuration[0].status
  }
}

output "listener_action" {
  value = aws_lb_listener.http.default_action[0].type
}

output "fixed_body" {
  value = aws_lb_listener.http.default_action[0].fixed_response[0].message_body
}

output "root_volume_size" {
  value = aws_instance.app.root_block_device[0].volume_size
}

output "versioning_status" {
  value = aws_s3_bucket_versioning.data.versioning_configuration[0].status
}

# sort() sorts strings, as in Terraform: the ports come back as ["443", "80"].
output "ingress_ports" {
  value = sort(aws_security_group.web.ingress[*].from_port)
}
