variable "ssh_public_keys" {
  description = "Admin name => OpenSSH public key; installed on every droplet."
  type        = map(string)
}

variable "admin_cidrs" {
  description = "Where SSH to the gateway may come from."
  type        = list(string)
  default     = ["0.0.0.0/0", "::/0"]
}

variable "gateway_ssh_port" {
  description = "ct1's SSH port."
  type        = number
  default     = 58878
}
