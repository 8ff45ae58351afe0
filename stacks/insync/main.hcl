# Insync's 21 DigitalOcean droplets (see README.md), their SSH keys and role tags, the
# firewalls that make ct1 the only way in, and the DNS of the names the notes mention.

terraform {
  required_providers {
    digitalocean = {
      source = "digitalocean/digitalocean"
    }
  }
}

# The token comes from DIGITALOCEAN_TOKEN; DIGITALOCEAN_API_URL points elsewhere (such
# as the emulator).
provider "digitalocean" {}
