module "logs" {
  source = "./modules/bucket"
  count  = 2

  name = "corpus-module-logs-${count.index}"
}

module "sites" {
  source   = "./modules/bucket"
  for_each = toset(["alpha", "beta"])

  name = "corpus-module-site-${each.key}"
  tags = { Site = each.value }
}

output "log_bucket_ids" {
  value = module.logs[*].id
}

output "site_arns" {
  value = { for site, m in module.sites : site => m.arn }
}
