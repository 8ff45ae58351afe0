# ActiveStorage attachments for each environment, and the database backups that
# BackupDbRds uploads every 4 hours (and `rake fetch_latest_db` downloads).

locals {
  buckets = toset(["production", "staging", "backups"])
}

resource "aws_s3_bucket" "this" {
  for_each = local.buckets

  bucket = "${var.bucket_prefix}-${each.key}"
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each = local.buckets

  bucket                  = aws_s3_bucket.this[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "backups" {
  bucket = aws_s3_bucket.this["backups"].id

  rule {
    id     = "expire-old-dumps"
    status = "Enabled"

    filter {
      prefix = ""
    }

    expiration {
      days = var.backup_retention_days
    }
  }
}
