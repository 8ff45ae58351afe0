resource "aws_s3_bucket" "assets" {
  bucket = "corpus-moved-module"
}
