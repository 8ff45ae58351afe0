resource "aws_s3_bucket" "old_name" {
  bucket = "corpus-moved-rename"
}
