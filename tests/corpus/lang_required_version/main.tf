resource "aws_s3_bucket" "versioned_stack" {
  bucket = "corpus-required-version"
}
