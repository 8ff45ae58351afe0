resource "aws_s3_bucket" "site" {
  tags = {
    Environment = var.environment
    Owner       = "platform"
  }
}

output "bucket" {
  value = "${aws_s3_bucket.site.bucket} (overridden)"
}
