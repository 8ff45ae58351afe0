resource "digitalocean_reserved_ip" "example" {
  region = "nyc3"
}

resource "digitalocean_droplet" "example" {
  name               = "baz"
  size               = "s-1vcpu-1gb"
  image              = "ubuntu-22-04-x64"
  region             = "nyc3"
  ipv6               = true
  private_networking = true
}

resource "digitalocean_reserved_ip_assignment" "example" {
  ip_address = digitalocean_reserved_ip.example.ip_address
  droplet_id = digitalocean_droplet.example.id
}
