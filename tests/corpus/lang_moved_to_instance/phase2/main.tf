resource "aws_s3_bucket" "site" {
  for_each = toset(["a", "b"])
  bucket   = "corpus-moved-site-${each.key}"
}

moved {
  from = aws_s3_bucket.site
  to   = aws_s3_bucket.site["a"]
}

resource "aws_s3_bucket" "backup" {
  count  = 1
  bucket = "corpus-moved-backup-${count.index}"
}

moved {
  from = aws_s3_bucket.backup
  to   = aws_s3_bucket.backup[0]
}
