output "snapshot_bucket" {
  description = "Where make-snapshot uploads to."
  value       = aws_s3_bucket.snapshots.bucket
}

output "snapshot_bucket_arn" {
  value = aws_s3_bucket.snapshots.arn
}

output "host_ip" {
  description = "The Elastic IP: stays the same when the host is replaced."
  value       = aws_eip.host.public_ip
}

output "hostname" {
  value = aws_route53_record.host.fqdn
}
