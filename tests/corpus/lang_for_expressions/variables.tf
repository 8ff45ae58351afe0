variable "buckets" {
  type = list(object({
    name    = string
    team    = string
    enabled = bool
  }))
}
