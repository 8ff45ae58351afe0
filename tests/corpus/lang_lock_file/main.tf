resource "aws_s3_bucket" "locked" {
  bucket = "corpus-lock-file"
}
