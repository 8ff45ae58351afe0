# The AWS side of the notes: the bucket db-slave02's automysqlbackup uploads the daily
# db dumps to, and the one ct1's sync_repos.sh pushes the apt and yum repositories to.
# Both exist already: import them (S3 no longer creates names like insync_db_backups).

resource "aws_s3_bucket" "db_backups" {
  bucket = var.db_backups_bucket
}

resource "aws_s3_bucket" "package_repos" {
  bucket = var.package_repos_bucket
}
