variable "service_ports" {
  type = list(object({
    port        = number
    description = string
  }))
  default = [
    { port = 80, description = "http" },
    { port = 443, description = "https" },
    { port = 8443, description = "admin" },
  ]
}

variable "lifecycle_rules" {
  default = {
    logs = { prefix = "logs/", days = 30, transitions = [{ days = 7, class = "STANDARD_IA" }] }
    tmp  = { prefix = "tmp/", days = 2, transitions = [] }
  }
}

data "aws_vpc" "default" {
  default = true
}

resource "aws_security_group" "web" {
  name        = "dynamic-web"
  description = "Ports from a variable"
  vpc_id      = data.aws_vpc.default.id

  dynamic "ingress" {
    for_each = var.service_ports
    iterator = svc

    content {
      description = svc.value.description
      from_port   = svc.value.port
      to_port     = svc.value.port
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_s3_bucket" "logs" {
  bucket = "corpus-dynamic-logs"
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  dynamic "rule" {
    for_each = var.lifecycle_rules

    content {
      id     = rule.key
      status = "Enabled"

      filter {
        prefix = rule.value.prefix
      }

      expiration {
        days = rule.value.days
      }

      dynamic "transition" {
        for_each = rule.value.transitions

        content {
          days          = transition.value.days
          storage_class = transition.value.class
        }
      }
    }
  }
}
