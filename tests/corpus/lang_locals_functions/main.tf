resource "aws_s3_bucket" "tagged" {
  bucket = "${local.name_prefix}-${local.digest_md5}"
  tags   = merge(local.common_tags, { Subnets = join(" ", local.subnet_cidrs) })
}

output "bucket" {
  value = aws_s3_bucket.tagged.bucket
}
