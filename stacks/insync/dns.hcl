# The names the notes give, each pointing at the droplet that serves it. A name goes
# with its droplet when the droplet is retired.

locals {
  domains = toset(["insynchq.com", "insync.io", "insynchq-test.com", "mrkr.io"])

  # Record => domain, name, and the droplet that serves it.
  records = {
    "insynchq-apex" = { domain = "insynchq.com", name = "@", droplet = "ct1" }
    "jobs"          = { domain = "insynchq.com", name = "jobs", droplet = "ct1" }
    "blog"          = { domain = "insynchq.com", name = "blog", droplet = "ct1" }
    "insync-io"     = { domain = "insync.io", name = "*", droplet = "ct1" }
    "hg"            = { domain = "insynchq.com", name = "hg", droplet = "dev" }
    "wiki"          = { domain = "insynchq.com", name = "wiki", droplet = "wiki" }
    "forums"        = { domain = "insynchq.com", name = "forums", droplet = "insynchq-support" }
    "beta"          = { domain = "insynchq.com", name = "beta", droplet = "insynchq-web-staging" }
    "email"         = { domain = "insynchq.com", name = "email", droplet = "dev02" }
    "test-www"      = { domain = "insynchq-test.com", name = "www", droplet = "staging" }
    "mrkr"          = { domain = "mrkr.io", name = "@", droplet = "mrkr-web-lb" }
  }
}

resource "digitalocean_domain" "this" {
  for_each = local.domains
  name     = each.key
}

resource "digitalocean_record" "this" {
  for_each = { for key, r in local.records : key => r if contains(keys(local.droplets), r.droplet) }

  domain = digitalocean_domain.this[each.value.domain].name
  type   = "A"
  name   = each.value.name
  value  = digitalocean_droplet.this[each.value.droplet].ipv4_address
}
