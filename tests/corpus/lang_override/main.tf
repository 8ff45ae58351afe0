variable "environment" {
  default = "dev"
}

resource "aws_s3_bucket" "site" {
  bucket = "corpus-override-${var.environment}"

  tags = {
    Environment = var.environment
    Owner       = "web"
  }
}

output "bucket" {
  value = aws_s3_bucket.site.bucket
}
