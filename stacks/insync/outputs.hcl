output "gateway_ip" {
  description = "ct1's public IP: ssh -p 58878 <user>@this, then on to the others."
  value       = digitalocean_droplet.this["ct1"].ipv4_address
}

output "droplets" {
  description = "Name => public IPv4."
  value       = { for name, d in digitalocean_droplet.this : name => d.ipv4_address }
}

output "buckets" {
  description = "The S3 buckets of the db backups and of the apt/yum repositories."
  value = {
    db_backups    = aws_s3_bucket.db_backups.bucket
    package_repos = aws_s3_bucket.package_repos.bucket
  }
}
