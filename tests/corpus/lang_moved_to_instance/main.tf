resource "aws_s3_bucket" "site" {
  bucket = "corpus-moved-site-a"
}

resource "aws_s3_bucket" "backup" {
  bucket = "corpus-moved-backup-0"
}
