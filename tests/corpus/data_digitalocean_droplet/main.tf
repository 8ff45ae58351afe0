data "digitalocean_droplet" "example" {
  name = "web"
}

data "digitalocean_droplet" "by_tag" {
  tag = "web"
}

data "digitalocean_droplet" "by_id" {
  id = data.digitalocean_droplet.example.id
}

output "droplet_output" {
  value = data.digitalocean_droplet.example.ipv4_address
}

output "by_tag_name" {
  value = data.digitalocean_droplet.by_tag.name
}

output "by_id_region" {
  value = data.digitalocean_droplet.by_id.region
}
