# SSH reaches ct1 alone (on port 58878, keys only); ct1 reaches the others. ct1 also
# answers the redirected web names, on a reserved IP that outlives the droplet.

resource "digitalocean_firewall" "gateway" {
  name = "gateway"
  tags = [digitalocean_tag.role["gateway"].name]

  inbound_rule {
    protocol         = "tcp"
    port_range       = tostring(var.gateway_ssh_port)
    source_addresses = var.admin_cidrs
  }

  inbound_rule {
    protocol         = "tcp"
    port_range       = "80"
    source_addresses = ["0.0.0.0/0", "::/0"]
  }

  inbound_rule {
    protocol         = "tcp"
    port_range       = "443"
    source_addresses = ["0.0.0.0/0", "::/0"]
  }

  outbound_rule {
    protocol              = "tcp"
    port_range            = "all"
    destination_addresses = ["0.0.0.0/0", "::/0"]
  }

  outbound_rule {
    protocol              = "udp"
    port_range            = "all"
    destination_addresses = ["0.0.0.0/0", "::/0"]
  }
}

resource "digitalocean_firewall" "internal" {
  name = "internal"
  tags = [digitalocean_tag.internal.name]

  inbound_rule {
    protocol    = "tcp"
    port_range  = "22"
    source_tags = [digitalocean_tag.role["gateway"].name]
  }

  # The servers talk to each other (web to db, mailer to beanstalkd, ...).
  inbound_rule {
    protocol    = "tcp"
    port_range  = "all"
    source_tags = [digitalocean_tag.internal.name]
  }

  outbound_rule {
    protocol              = "tcp"
    port_range            = "all"
    destination_addresses = ["0.0.0.0/0", "::/0"]
  }

  outbound_rule {
    protocol              = "udp"
    port_range            = "all"
    destination_addresses = ["0.0.0.0/0", "::/0"]
  }
}

resource "digitalocean_firewall" "web" {
  name = "public-web"
  tags = [digitalocean_tag.role["web"].name, digitalocean_tag.role["staging"].name]

  inbound_rule {
    protocol         = "tcp"
    port_range       = "80"
    source_addresses = ["0.0.0.0/0", "::/0"]
  }

  inbound_rule {
    protocol         = "tcp"
    port_range       = "443"
    source_addresses = ["0.0.0.0/0", "::/0"]
  }
}

resource "digitalocean_reserved_ip" "gateway" {
  region = digitalocean_droplet.this["ct1"].region
}

resource "digitalocean_reserved_ip_assignment" "gateway" {
  ip_address = digitalocean_reserved_ip.gateway.ip_address
  droplet_id = digitalocean_droplet.this["ct1"].id
}
