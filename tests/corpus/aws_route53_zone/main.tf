resource "aws_route53_zone" "primary" {
  name = "example.com"
}

resource "aws_route53_zone" "main" {
  name = "main.example.com"
}

resource "aws_route53_zone" "dev" {
  name    = "dev.main.example.com"
  comment = "Development"

  tags = {
    Environment = "dev"
  }
}

resource "aws_route53_record" "dev-ns" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "dev.main.example.com"
  type    = "NS"
  ttl     = "30"
  records = aws_route53_zone.dev.name_servers
}
