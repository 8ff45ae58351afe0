output "snapshot_bucket" {
  description = "Where make-snapshot uploads to."
  value       = aws_s3_bucket.snapshots.bucket
}

output "snapshot_bucket_arn" {
  value = aws_s3_bucket.snapshots.arn
}
