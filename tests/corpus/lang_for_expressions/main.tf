locals {
  enabled = { for b in var.buckets : b.name => b if b.enabled }
}

resource "aws_s3_bucket" "team" {
  for_each = local.enabled

  bucket = each.key
  tags = {
    Team = each.value.team
  }
}

output "names_upper" {
  value = [for name in keys(aws_s3_bucket.team) : upper(name)]
}

output "by_team" {
  value = { for b in var.buckets : b.team => b.name... if b.enabled }
}

output "arns" {
  value = { for name, bucket in aws_s3_bucket.team : name => bucket.arn }
}

output "indexed" {
  value = [for i, b in var.buckets : "${i}:${b.name}"]
}
