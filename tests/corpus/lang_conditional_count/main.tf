variable "create_logs" {
  type    = bool
  default = true
}

variable "create_archive" {
  type    = bool
  default = false
}

resource "aws_s3_bucket" "logs" {
  count  = var.create_logs ? 1 : 0
  bucket = "corpus-conditional-logs"
}

resource "aws_s3_bucket" "archive" {
  count  = var.create_archive ? 1 : 0
  bucket = "corpus-conditional-archive"
}

resource "aws_s3_bucket_public_access_block" "logs" {
  count  = length(aws_s3_bucket.logs)
  bucket = aws_s3_bucket.logs[count.index].id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

output "logs_bucket" {
  value = var.create_logs ? aws_s3_bucket.logs[0].bucket : null
}

output "logs_arn" {
  value = one(aws_s3_bucket.logs[*].arn)
}

output "archive_arn" {
  value = one(aws_s3_bucket.archive[*].arn)
}
