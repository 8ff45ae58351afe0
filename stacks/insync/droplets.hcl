# The 21 servers of the team's notes, one line each. Region defaults to nyc2; the notes
# say "some in SGP1" without naming them, so the ones serving Asia-facing sites are
# placed there (change the region of any line to match the real droplet).

variable "droplets" {
  description = "Droplet name => role, size and (optionally) region, image and backups."
  type = map(object({
    role    = string
    size    = string
    region  = optional(string, "nyc2")
    image   = optional(string, "ubuntu-22-04-x64")
    backups = optional(bool, false)
  }))
  default = {
    "ct1"                  = { role = "gateway", size = "s-1vcpu-2gb" }
    "beanstalkd"           = { role = "queue", size = "s-1vcpu-2gb" }
    "web-lb02"             = { role = "web", size = "s-2vcpu-4gb" }
    "web02"                = { role = "web", size = "s-2vcpu-4gb" }
    "license01"            = { role = "license", size = "s-1vcpu-2gb" }
    "license02"            = { role = "license", size = "s-1vcpu-2gb" }
    "db"                   = { role = "db", size = "s-4vcpu-8gb", backups = true }
    "db-slave02"           = { role = "db", size = "s-4vcpu-8gb", backups = true }
    "redis"                = { role = "redis", size = "s-2vcpu-4gb" }
    "dev"                  = { role = "dev", size = "s-1vcpu-2gb" }
    "sentry"               = { role = "monitoring", size = "s-2vcpu-4gb" }
    "radar-2"              = { role = "monitoring", size = "s-1vcpu-1gb", region = "sgp1" }
    "drone"                = { role = "ci", size = "s-2vcpu-4gb" }
    "drone-test"           = { role = "ci", size = "s-2vcpu-4gb" }
    "mrkr-web-lb"          = { role = "web", size = "s-1vcpu-1gb", region = "sgp1" }
    "wiki"                 = { role = "web", size = "s-1vcpu-1gb" }
    "insynchq-support"     = { role = "web", size = "s-1vcpu-2gb", region = "sgp1" }
    "staging"              = { role = "staging", size = "s-1vcpu-2gb" }
    "insynchq-web-staging" = { role = "staging", size = "s-1vcpu-2gb" }
    "dev02"                = { role = "dev", size = "s-1vcpu-1gb" }
    "sendy"                = { role = "mail", size = "s-1vcpu-1gb" }
  }
}

variable "retired" {
  description = "Droplets to remove, e.g. the notes' candidates for removal."
  type        = set(string)
  default     = []
}

variable "size_overrides" {
  description = "Droplet name => size, to resize one without editing the map."
  type        = map(string)
  default     = {}
}

variable "image_overrides" {
  description = "Droplet name => image, to rebuild one on another image."
  type        = map(string)
  default     = {}
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
  region     = each.value.region
  size       = lookup(var.size_overrides, each.key, each.value.size)
  image      = lookup(var.image_overrides, each.key, each.value.image)
  backups    = each.value.backups
  monitoring = true
  ssh_keys   = [for k in digitalocean_ssh_key.admin : k.fingerprint]
  tags = compact([
    digitalocean_tag.role[each.value.role].name,
    each.value.role == "gateway" ? "" : digitalocean_tag.internal.name,
  ])
}
