module "store" {
  source = "./modules/store"
  name   = "corpus-moved-module"
}

moved {
  from = aws_s3_bucket.assets
  to   = module.store.aws_s3_bucket.this
}
