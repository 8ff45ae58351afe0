# The web-bugs service (see README.md): the off-host storage for its daily snapshots.
# The host itself is in host.hcl.

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      service     = "web-bugs"
      environment = var.environment
      managed_by  = "iac"
    }
  }
}

locals {
  bucket_name = "web-bugs-snapshots-${var.environment}"
  hostname    = var.environment == "production" ? "web-bugs.${var.domain}" : "web-bugs-${var.environment}.${var.domain}"
}

resource "aws_s3_bucket" "snapshots" {
  bucket = local.bucket_name

  tags = {
    purpose = "daily make-snapshot output"
  }
}

resource "aws_s3_bucket_public_access_block" "snapshots" {
  bucket                  = aws_s3_bucket.snapshots.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "snapshots" {
  bucket = aws_s3_bucket.snapshots.id

  versioning_configuration {
    status = "Enabled"
  }
}

# What remove-old-snapshots did by cron: S3 now expires snapshots itself.
resource "aws_s3_bucket_lifecycle_configuration" "snapshots" {
  bucket = aws_s3_bucket.snapshots.id

  rule {
    id     = "expire-old-snapshots"
    status = "Enabled"

    filter {
      prefix = "snapshots/"
    }

    expiration {
      days = var.snapshot_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 1
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}
