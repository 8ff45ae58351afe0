resource "aws_s3_bucket" "new_name" {
  bucket = "corpus-moved-rename"
}

moved {
  from = aws_s3_bucket.old_name
  to   = aws_s3_bucket.new_name
}
