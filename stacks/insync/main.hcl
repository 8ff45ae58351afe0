# Insync's 21 DigitalOcean droplets (see README.md), their SSH keys and role tags, the
# firewalls that make ct1 the only way in while every service stays reachable, the DNS
# of the names the notes mention, and the two S3 buckets the servers write to.

terraform {
  required_providers {
    digitalocean = {
      source = "digitalocean/digitalocean"
    }
    aws = {
      source = "hashicorp/aws"
    }
  }
}

# The token comes from DIGITALOCEAN_TOKEN; DIGITALOCEAN_API_URL points elsewhere (such
# as the emulator).
provider "digitalocean" {}

# Credentials from the standard chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, ...).
provider "aws" {
  region = var.aws_region
}
