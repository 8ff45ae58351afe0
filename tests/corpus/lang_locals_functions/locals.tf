variable "environment" {
  default = "Staging"
}

variable "extra_tags" {
  type    = map(string)
  default = { CostCenter = "1234" }
}

locals {
  name_prefix = lower(format("%s-%s", "corpus", var.environment))
  common_tags = merge(
    {
      Environment = title(lower(var.environment))
      ManagedBy   = "terraform"
    },
    var.extra_tags,
  )

  vpc_cidr     = "10.20.0.0/16"
  subnet_cidrs = [for i in range(3) : cidrsubnet(local.vpc_cidr, 8, i)]
  host_ip      = cidrhost(local.subnet_cidrs[1], 10)
  netmask      = cidrnetmask("10.20.0.0/20")

  services      = ["web", "api", "worker", "web"]
  unique_sorted = sort(distinct(local.services))
  service_map   = zipmap(local.unique_sorted, [for s in local.unique_sorted : length(s)])
  ports         = { web = 80, api = 8080 }
  api_port      = lookup(local.ports, "api", 0)
  worker_port   = lookup(local.ports, "worker", 9000)
  nested        = [["a", "b"], ["c"], []]
  flat          = flatten(local.nested)
  joined        = join(",", local.flat)
  split_back    = split(",", local.joined)
  first_two     = slice(local.flat, 0, 2)
  has_api       = contains(local.services, "api")
  env_short     = substr(lower(var.environment), 0, 3)
  replaced      = replace("hello-world_example", "/[-_]/", ".")
  regex_part    = regex("^([a-z]+)-(\\d+)$", "app-42")
  trimmed       = trimspace("  padded  ")
  prefix_gone   = trimprefix("corpus-bucket", "corpus-")
  suffix_gone   = trimsuffix("file.tar.gz", ".gz")
  starts        = startswith(local.name_prefix, "corpus")
  ends          = endswith(local.name_prefix, "staging")
  coalesced     = coalesce("", "fallback")
  coalesced_l   = coalescelist([], ["x", "y"])
  tried         = try(local.ports["missing"], "default")
  can_parse     = can(tonumber("12"))
  json_doc      = jsonencode({ name = local.name_prefix, ports = local.ports })
  json_back     = jsondecode("{\"a\":[1,2,3]}")
  encoded       = base64encode("iac corpus")
  decoded       = base64decode(local.encoded)
  digest_md5    = md5("corpus")
  digest_sha    = sha256("corpus")
  key_list      = keys(local.common_tags)
  value_list    = values(local.ports)
  element_wrap  = element(local.unique_sorted, 4)
  idx           = index(local.unique_sorted, "web")
  total         = sum([for p in values(local.ports) : p])
  biggest       = max(3, 7, 5)
  smallest      = min(local.value_list...)
  rounded       = [ceil(1.2), floor(1.8), abs(-4), pow(2, 10)]
  padded        = formatlist("%s-%03d", ["a", "b"], [7, 12])
  set_ops       = sort(setunion(["a", "b"], ["b", "c"]))
  intersect     = sort(setintersection(["a", "b", "c"], ["b", "c", "d"]))
  subtracted    = sort(setsubtract(["a", "b", "c"], ["b"]))
  reversed      = reverse([1, 2, 3])
  chunks        = chunklist(["a", "b", "c", "d", "e"], 2)
  transposed    = transpose({ a = ["1", "2"], b = ["2", "3"] })
  maybe_one     = one(["only"])
  map_from      = tomap({ for s in local.unique_sorted : s => upper(s) })
  as_set        = toset(["b", "a", "b"])
  number_str    = tostring(42)
  str_number    = tonumber("3.5")
  greeting      = "Hello, $${name}!"
  templated     = templatestring(local.greeting, { name = "corpus" })
  heredoc       = <<-EOT
    env=${local.env_short}
    prefix=${local.name_prefix}
  EOT
  conditional   = var.environment == "Production" ? "prod" : "nonprod"
  splat_names   = [for s in [{ n = "x" }, { n = "y" }] : s.n]
  lengthy       = length(local.common_tags)
  csv_like      = format("%-6s|%5.2f|%t", "ab", 3.14159, true)
}
