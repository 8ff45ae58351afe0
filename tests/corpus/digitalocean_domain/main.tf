resource "digitalocean_droplet" "foo" {
  image  = "ubuntu-22-04-x64"
  name   = "domain-target"
  region = "nyc3"
  size   = "s-1vcpu-1gb"
}

# Create a new domain
resource "digitalocean_domain" "default" {
  name       = "corpus-domain.example.com"
  ip_address = digitalocean_droplet.foo.ipv4_address
}
