output "cache_ip" {
  description = "The Redis cache's Elastic IP (REDIS_URL in web-monitoring-db)."
  value       = module.host["wm-cache"].public_ip
}

output "host_private_ips" {
  value = { for name, host in module.host : name => host.private_ip }
}

output "database_endpoints" {
  value = { for env, db in module.database : env => db.endpoint }
}
