resource "digitalocean_droplet" "example" {
  name               = "example"
  size               = "s-1vcpu-1gb"
  image              = "ubuntu-22-04-x64"
  region             = "nyc3"
  ipv6               = true
  private_networking = true
}

resource "digitalocean_reserved_ip" "example" {
  droplet_id = digitalocean_droplet.example.id
  region     = digitalocean_droplet.example.region
}
