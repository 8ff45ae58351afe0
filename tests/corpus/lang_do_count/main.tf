variable "web_count" {
  default = 2
}

resource "digitalocean_tag" "web" {
  name = "corpus-web"
}

resource "digitalocean_droplet" "web" {
  count  = var.web_count
  image  = "ubuntu-22-04-x64"
  name   = format("web-%02d", count.index + 1)
  region = "ams3"
  size   = "s-1vcpu-1gb"
  tags   = [digitalocean_tag.web.id]
}

resource "digitalocean_domain" "app" {
  name = "corpus-count.example.com"
}

resource "digitalocean_record" "web" {
  count  = var.web_count
  domain = digitalocean_domain.app.id
  type   = "A"
  name   = digitalocean_droplet.web[count.index].name
  value  = digitalocean_droplet.web[count.index].ipv4_address
  ttl    = 300
}

resource "digitalocean_firewall" "web" {
  name        = "corpus-web"
  droplet_ids = digitalocean_droplet.web[*].id

  inbound_rule {
    protocol         = "tcp"
    port_range       = "80"
    source_addresses = ["0.0.0.0/0", "::/0"]
  }
}

output "web_names" {
  value = digitalocean_droplet.web[*].name
}

output "fqdns" {
  value = digitalocean_record.web[*].fqdn
}
