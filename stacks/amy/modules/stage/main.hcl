# One AMY stage: the application host (nginx, gunicorn, Redis, RQ), its PostgreSQL
# database, and in front of it an application load balancer that terminates TLS with
# an ACM certificate validated through Route 53, instead of certbot on the host.

variable "stage" {
  type = string
}

variable "hostname" {
  description = "The stage's public name, e.g. amy.carpentries.org."
  type        = string
}

variable "zone_id" {
  type = string
}

variable "ami" {
  type = string
}

variable "instance_type" {
  type = string
}

variable "db_instance_class" {
  type = string
}

variable "db_password" {
  type      = string
  sensitive = true
}

variable "key_name" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "lb_security_group_id" {
  type = string
}

variable "host_security_group_id" {
  type = string
}

variable "db_security_group_id" {
  type = string
}

resource "aws_instance" "app" {
  ami                    = var.ami
  instance_type          = var.instance_type
  key_name               = var.key_name
  subnet_id              = var.subnet_ids[0]
  vpc_security_group_ids = [var.host_security_group_id]

  tags = {
    Name  = "amy-${var.stage}"
    stage = var.stage
  }
}

resource "aws_db_instance" "amy" {
  identifier        = "amy-${var.stage}"
  engine            = "postgres"
  engine_version    = "15"
  instance_class    = var.db_instance_class
  allocated_storage = 20
  storage_encrypted = true

  db_name  = "amy"
  username = "amy"
  password = var.db_password

  vpc_security_group_ids  = [var.db_security_group_id]
  backup_retention_period = 14
  backup_window           = "02:00-03:00"
  maintenance_window      = "sun:04:00-sun:05:00"

  skip_final_snapshot       = var.stage != "production"
  final_snapshot_identifier = "amy-${var.stage}-final"
  apply_immediately         = true

  tags = {
    stage = var.stage
  }
}

resource "aws_acm_certificate" "site" {
  domain_name       = var.hostname
  validation_method = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "validation" {
  for_each = {
    for dvo in aws_acm_certificate.site.domain_validation_options : dvo.domain_name => {
      name   = dvo.resource_record_name
      record = dvo.resource_record_value
      type   = dvo.resource_record_type
    }
  }

  allow_overwrite = true
  zone_id         = var.zone_id
  name            = each.value.name
  type            = each.value.type
  ttl             = 60
  records         = [each.value.record]
}

resource "aws_acm_certificate_validation" "site" {
  certificate_arn         = aws_acm_certificate.site.arn
  validation_record_fqdns = [for r in aws_route53_record.validation : r.fqdn]
}

resource "aws_lb" "app" {
  name               = "amy-${var.stage}"
  load_balancer_type = "application"
  security_groups    = [var.lb_security_group_id]
  subnets            = slice(var.subnet_ids, 0, 2)
}

# nginx on the host still serves the maintenance page; it now listens on plain HTTP
# behind the load balancer.
resource "aws_lb_target_group" "app" {
  name     = "amy-${var.stage}"
  port     = 80
  protocol = "HTTP"
  vpc_id   = var.vpc_id

  health_check {
    path    = "/"
    matcher = "200-399"
  }
}

resource "aws_lb_target_group_attachment" "app" {
  target_group_arn = aws_lb_target_group.app.arn
  target_id        = aws_instance.app.id
  port             = 80
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.app.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = aws_acm_certificate_validation.site.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.app.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_route53_record" "site" {
  zone_id = var.zone_id
  name    = var.hostname
  type    = "A"

  alias {
    name                   = aws_lb.app.dns_name
    zone_id                = aws_lb.app.zone_id
    evaluate_target_health = true
  }
}

output "url" {
  value = "https://${aws_route53_record.site.fqdn}"
}

output "database" {
  value = aws_db_instance.amy.endpoint
}
