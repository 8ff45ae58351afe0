resource "aws_s3_bucket" "hcl" {
  bucket = "${local.bucket_name}-hcl"
}

output "hcl_bucket" {
  value = aws_s3_bucket.hcl.bucket
}
