output "addresses" {
  value = { for env, app in module.app : env => app.address }
}

output "database" {
  value = aws_db_instance.shared.endpoint
}

output "buckets" {
  value = [for b in aws_s3_bucket.this : b.bucket]
}
