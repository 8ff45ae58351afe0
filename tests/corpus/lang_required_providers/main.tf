provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = {
      ManagedBy = "terraform"
    }
  }
}

provider "aws" {
  alias  = "secondary"
  region = "eu-west-1"
}

resource "aws_s3_bucket" "primary" {
  bucket = "corpus-providers-primary"
}

resource "aws_s3_bucket" "secondary" {
  provider = aws.secondary
  bucket   = "corpus-providers-secondary"
}

output "primary_tags_all" {
  value = aws_s3_bucket.primary.tags_all
}
