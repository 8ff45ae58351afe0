# Settings the team's notes give (the gateway's SSH port) and, for what they leave out,
# variables that default to what DigitalOcean (or AWS) does when nothing is asked for.

variable "ssh_public_keys" {
  description = "Admin name => OpenSSH public key; installed on every droplet."
  type        = map(string)
}

variable "admin_cidrs" {
  description = "Where SSH to the gateway may come from (the notes do not restrict it)."
  type        = list(string)
  default     = ["0.0.0.0/0", "::/0"]
}

variable "gateway_ssh_port" {
  description = "ct1's SSH port (the notes: 58878)."
  type        = number
  default     = 58878
}

# The notes do not say which port ct1's conf server listens on, only that the web and
# the mailer read it: they may reach any TCP port of ct1 until this names the port.
variable "conf_server_ports" {
  description = "The port (or range) of ct1's conf server; \"all\" until known."
  type        = string
  default     = "all"
}

# "most are in the NYC2 region, some in SGP1", without naming them.
variable "regions" {
  description = "Droplet name => region, for those not in nyc2 (e.g. {\"radar-2\" = \"sgp1\"})."
  type        = map(string)
  default     = {}
}

# The notes give no sizes or images: these are placeholders to set to each running
# droplet's own (an import shows them).
variable "default_size" {
  description = "The size of a droplet size_overrides does not name."
  type        = string
  default     = "s-1vcpu-1gb"
}

variable "size_overrides" {
  description = "Droplet name => size."
  type        = map(string)
  default     = {}
}

variable "image" {
  description = "The image slug of a droplet image_overrides does not name."
  type        = string
  default     = "ubuntu-22-04-x64"
}

variable "image_overrides" {
  description = "Droplet name => image slug; a new image rebuilds the droplet (a replacement)."
  type        = map(string)
  default     = {}
}

# Droplet backups and the monitoring agent: off unless asked for, as on DigitalOcean;
# the notes mention neither (db-slave02's daily dumps to S3 are the backups they name).
variable "backups" {
  description = "Droplets with DigitalOcean's weekly backups."
  type        = set(string)
  default     = []
}

variable "monitoring" {
  description = "Droplets with DigitalOcean's monitoring agent."
  type        = set(string)
  default     = []
}

# dev02 "Hosts email.insynchq.com. Not sure what this is.": the mail ports stay open on
# it (beside the web ones) until someone knows.
variable "mail_ports" {
  description = "The TCP ports dev02 serves for email.insynchq.com."
  type        = list(string)
  default     = ["25", "465", "587", "993"]
}

variable "retired" {
  description = "Droplets to remove, e.g. the notes' candidates for removal."
  type        = set(string)
  default     = []
}

# The AWS side: the region is not in the notes; us-east-1 is the only region whose
# buckets could be named with an underscore, as insync_db_backups is.
variable "aws_region" {
  description = "The AWS region of the S3 buckets."
  type        = string
  default     = "us-east-1"
}

variable "db_backups_bucket" {
  description = "The bucket db-slave02's automysqlbackup uploads the daily dumps to."
  type        = string
  default     = "insync_db_backups"
}

# The notes say sync_repos.sh pushes the apt and yum repositories to S3, not to which
# bucket.
variable "package_repos_bucket" {
  description = "The bucket ct1's sync_repos.sh pushes the apt and yum repositories to."
  type        = string
}
