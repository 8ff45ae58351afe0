output "gateway_ip" {
  description = "ct1's reserved IP: ssh -p 58878 <user>@this, then on to the others."
  value       = digitalocean_reserved_ip.gateway.ip_address
}

output "droplets" {
  description = "Name => public IPv4."
  value       = { for name, d in digitalocean_droplet.this : name => d.ipv4_address }
}
