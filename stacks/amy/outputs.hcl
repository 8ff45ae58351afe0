output "urls" {
  value = { for stage, s in module.stage : stage => s.url }
}

output "name_servers" {
  description = "Delegate the domain to these at the registrar."
  value       = aws_route53_zone.main.name_servers
}
