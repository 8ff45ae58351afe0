resource "aws_acm_certificate" "cert" {
  domain_name       = "example.com"
  validation_method = "DNS"

  tags = {
    Environment = "test"
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_acm_certificate" "sans" {
  domain_name               = "app.example.com"
  subject_alternative_names = ["www.app.example.com", "api.app.example.com"]
  validation_method         = "DNS"
  key_algorithm             = "RSA_2048"
}
