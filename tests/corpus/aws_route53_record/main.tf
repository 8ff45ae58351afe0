data "aws_vpc" "default" {
  default = true
}

data "aws_subnets" "default" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }
}

resource "aws_route53_zone" "primary" {
  name = "records.example.com"
}

resource "aws_eip" "lb" {
  domain = "vpc"
}

resource "aws_route53_record" "www" {
  zone_id = aws_route53_zone.primary.zone_id
  name    = "www.records.example.com"
  type    = "A"
  ttl     = 300
  records = [aws_eip.lb.public_ip]
}

resource "aws_route53_record" "spf" {
  zone_id = aws_route53_zone.primary.zone_id
  name    = "records.example.com"
  type    = "TXT"
  ttl     = 300
  records = ["v=spf1 include:_spf.example.com ~all"]
}

resource "aws_route53_record" "mail" {
  zone_id = aws_route53_zone.primary.zone_id
  name    = "mail"
  type    = "CNAME"
  ttl     = 60
  records = ["mail.example.org"]
}

resource "aws_lb" "main" {
  name               = "records-alb"
  load_balancer_type = "application"
  subnets            = data.aws_subnets.default.ids
}

resource "aws_route53_record" "alias" {
  zone_id = aws_route53_zone.primary.zone_id
  name    = "example.records.example.com"
  type    = "A"

  alias {
    name                   = aws_lb.main.dns_name
    zone_id                = aws_lb.main.zone_id
    evaluate_target_health = true
  }
}
