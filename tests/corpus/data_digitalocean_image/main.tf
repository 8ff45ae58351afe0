data "digitalocean_image" "example2" {
  slug = "ubuntu-22-04-x64"
}

resource "digitalocean_droplet" "example" {
  image  = data.digitalocean_image.example2.id
  name   = "example-image"
  region = "nyc2"
  size   = "s-1vcpu-1gb"
}

output "image_distribution" {
  value = data.digitalocean_image.example2.distribution
}
