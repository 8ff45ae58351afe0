resource "digitalocean_droplet" "web" {
  image      = "ubuntu-22-04-x64"
  name       = "web-basic"
  region     = "nyc3"
  size       = "s-1vcpu-1gb"
  monitoring = true
  ipv6       = true
  tags       = ["web", "corpus"]
  user_data  = "#cloud-config\npackages:\n  - nginx\n"

  graceful_shutdown = true
}

output "ipv4" {
  value = digitalocean_droplet.web.ipv4_address
}
