# SSH reaches ct1 alone (on port 58878, keys only); ct1 reaches the others. ct1 also
# answers the redirected web names and serves the conf server the web and the mailer
# read. Every service the notes say runs stays reachable, and so does ping.

# The servers that serve the internet over HTTP(S): the names of the notes (web-lb02
# behind the company's site, the Mercurial and PyPI of dev, Sentry, Drone, the wiki,
# forums, mrkr.io, staging, email.insynchq.com) and the ones whose clients the notes do
# not say (radar-2, sendy). web02 and the license backends sit behind web-lb02.
variable "public_web" {
  description = "Droplets that serve HTTP and HTTPS to the internet."
  type        = set(string)
  default = [
    "web-lb02", "dev", "sentry", "radar-2", "drone", "drone-test", "mrkr-web-lb", "wiki",
    "insynchq-support", "staging", "insynchq-web-staging", "dev02", "sendy",
  ]
}

locals {
  public_web = [for name in var.public_web : name if contains(keys(local.droplets), name)]
  anywhere   = ["0.0.0.0/0", "::/0"]
}

resource "digitalocean_tag" "public_web" {
  name = "public-web"
}

resource "digitalocean_tag" "email" {
  name = "email"
}

resource "digitalocean_firewall" "gateway" {
  name = "gateway"
  tags = [digitalocean_tag.role["gateway"].name]

  inbound_rule {
    protocol         = "tcp"
    port_range       = tostring(var.gateway_ssh_port)
    source_addresses = var.admin_cidrs
  }

  # The redirects of insynchq.com, jobs., blog. and *.insync.io.
  inbound_rule {
    protocol         = "tcp"
    port_range       = "80"
    source_addresses = local.anywhere
  }

  inbound_rule {
    protocol         = "tcp"
    port_range       = "443"
    source_addresses = local.anywhere
  }

  # The conf server, read by the web (web and license backends) and the mailer.
  inbound_rule {
    protocol   = "tcp"
    port_range = var.conf_server_ports
    source_tags = [
      digitalocean_tag.role["web"].name,
      digitalocean_tag.role["license"].name,
      digitalocean_tag.role["queue"].name,
    ]
  }

  inbound_rule {
    protocol         = "icmp"
    source_addresses = local.anywhere
  }

  outbound_rule {
    protocol              = "tcp"
    port_range            = "all"
    destination_addresses = local.anywhere
  }

  outbound_rule {
    protocol              = "udp"
    port_range            = "all"
    destination_addresses = local.anywhere
  }

  outbound_rule {
    protocol              = "icmp"
    destination_addresses = local.anywhere
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

  # The servers talk to each other (web to db and redis, the mailer to beanstalkd, the
  # db to its slave, ...).
  inbound_rule {
    protocol    = "tcp"
    port_range  = "all"
    source_tags = [digitalocean_tag.internal.name]
  }

  inbound_rule {
    protocol    = "udp"
    port_range  = "all"
    source_tags = [digitalocean_tag.internal.name]
  }

  inbound_rule {
    protocol         = "icmp"
    source_addresses = local.anywhere
  }

  outbound_rule {
    protocol              = "tcp"
    port_range            = "all"
    destination_addresses = local.anywhere
  }

  outbound_rule {
    protocol              = "udp"
    port_range            = "all"
    destination_addresses = local.anywhere
  }

  outbound_rule {
    protocol              = "icmp"
    destination_addresses = local.anywhere
  }
}

resource "digitalocean_firewall" "web" {
  name = "public-web"
  tags = [digitalocean_tag.public_web.name]

  inbound_rule {
    protocol         = "tcp"
    port_range       = "80"
    source_addresses = local.anywhere
  }

  inbound_rule {
    protocol         = "tcp"
    port_range       = "443"
    source_addresses = local.anywhere
  }
}

resource "digitalocean_firewall" "email" {
  name = "email"
  tags = [digitalocean_tag.email.name]

  dynamic "inbound_rule" {
    for_each = var.mail_ports
    content {
      protocol         = "tcp"
      port_range       = inbound_rule.value
      source_addresses = local.anywhere
    }
  }
}
