# The names the notes mention, for the servers that stay. (Names served by the
# candidates for removal - hg, wiki, email - are left to go with them.)

locals {
  domains = toset(["insynchq.com", "insync.io", "insynchq-test.com", "mrkr.io"])

  # Record => domain, name, and the droplet it points at ("ct1" means its reserved IP).
  records = {
    "insynchq-apex" = { domain = "insynchq.com", name = "@", droplet = "ct1" }
    "jobs"          = { domain = "insynchq.com", name = "jobs", droplet = "ct1" }
    "blog"          = { domain = "insynchq.com", name = "blog", droplet = "ct1" }
    "insync-io"     = { domain = "insync.io", name = "*", droplet = "ct1" }
    "www"           = { domain = "insynchq.com", name = "www", droplet = "web-lb02" }
    "forums"        = { domain = "insynchq.com", name = "forums", droplet = "insynchq-support" }
    "beta"          = { domain = "insynchq.com", name = "beta", droplet = "insynchq-web-staging" }
    "sentry"        = { domain = "insynchq.com", name = "sentry", droplet = "sentry" }
    "test-www"      = { domain = "insynchq-test.com", name = "www", droplet = "staging" }
    "mrkr"          = { domain = "mrkr.io", name = "@", droplet = "mrkr-web-lb" }
  }
}

resource "digitalocean_domain" "this" {
  for_each = local.domains
  name     = each.key
}

resource "digitalocean_record" "this" {
  for_each = local.records

  domain = digitalocean_domain.this[each.value.domain].name
  type   = "A"
  name   = each.value.name
  ttl    = 300
  value  = each.value.droplet == "ct1" ? digitalocean_reserved_ip.gateway.ip_address : digitalocean_droplet.this[each.value.droplet].ipv4_address
}

resource "digitalocean_record" "mail" {
  domain   = digitalocean_domain.this["insynchq.com"].name
  type     = "MX"
  name     = "@"
  value    = "aspmx.l.google.com."
  priority = 1
  ttl      = 3600
}
