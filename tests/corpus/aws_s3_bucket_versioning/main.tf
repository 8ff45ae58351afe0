resource "aws_s3_bucket" "example" {
  bucket = "example-bucket"
}

resource "aws_s3_bucket_versioning" "versioning_example" {
  bucket = aws_s3_bucket.example.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket" "disabled" {
  bucket = "example-bucket-unversioned"
}

resource "aws_s3_bucket_versioning" "disabled" {
  bucket = aws_s3_bucket.disabled.id
  versioning_configuration {
    status = "Disabled"
  }
}
