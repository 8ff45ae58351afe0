# The 21 servers of the team's notes, one line each, with the role the notes give it.
# Which of them serve the internet, and on what, is in network.hcl.

variable "droplets" {
  description = "Droplet name => its role in the notes."
  type        = map(object({ role = string }))
  default = {
    "ct1"                  = { role = "gateway" }    # SSH entry, redirects, conf server, apt/yum repos
    "beanstalkd"           = { role = "queue" }      # beanstalkd, mailer, periodic_mailer
    "web-lb02"             = { role = "web" }        # web load balancer and backend
    "web02"                = { role = "web" }        # web backend
    "license01"            = { role = "license" }    # /license backend
    "license02"            = { role = "license" }    # /license backend
    "db"                   = { role = "db" }         # the Insync db
    "db-slave02"           = { role = "db" }         # its slave; daily dumps to S3
    "redis"                = { role = "redis" }      # the redis servers
    "dev"                  = { role = "dev" }        # private PyPI, hg.insynchq.com
    "sentry"               = { role = "monitoring" } # Sentry
    "radar-2"              = { role = "monitoring" } # Radar
    "drone"                = { role = "ci" }         # current Drone server
    "drone-test"           = { role = "ci" }         # Drone for integration tests
    "mrkr-web-lb"          = { role = "web" }        # mrkr.io
    "wiki"                 = { role = "web" }        # wiki.insynchq.com (deprecated)
    "insynchq-support"     = { role = "web" }        # forums.insynchq.com
    "staging"              = { role = "staging" }    # www.insynchq-test.com
    "insynchq-web-staging" = { role = "staging" }    # beta.insynchq.com
    "dev02"                = { role = "dev" }        # email.insynchq.com
    "sendy"                = { role = "mail" }       # sendy, no longer used by the mailer (?)
  }
}

locals {
  droplets = {
    for name, d in var.droplets : name => d if !contains(var.retired, name)
  }
  # Every role has a tag, whether or not a droplet has it now, so that retiring the last
  # droplet of a role removes only the droplet.
  roles = toset(["gateway", "queue", "web", "license", "db", "redis", "dev", "monitoring", "ci", "staging", "mail"])
}

resource "digitalocean_tag" "role" {
  for_each = local.roles
  name     = each.key
}

# Every droplet but the gateway: reachable over SSH only from the gateway.
resource "digitalocean_tag" "internal" {
  name = "internal"
}

resource "digitalocean_ssh_key" "admin" {
  for_each = var.ssh_public_keys

  name       = each.key
  public_key = each.value
}

resource "digitalocean_droplet" "this" {
  for_each = local.droplets

  name       = each.key
  region     = lookup(var.regions, each.key, "nyc2")
  size       = lookup(var.size_overrides, each.key, var.default_size)
  image      = lookup(var.image_overrides, each.key, var.image)
  backups    = contains(var.backups, each.key)
  monitoring = contains(var.monitoring, each.key)
  ssh_keys   = [for k in digitalocean_ssh_key.admin : k.fingerprint]
  tags = compact([
    digitalocean_tag.role[each.value.role].name,
    each.value.role == "gateway" ? "" : digitalocean_tag.internal.name,
    contains(local.public_web, each.key) ? digitalocean_tag.public_web.name : "",
    each.key == "dev02" ? digitalocean_tag.email.name : "",
  ])
}
