data "aws_vpc" "default" {
  default = true
}

data "aws_vpc" "selected" {
  id = data.aws_vpc.default.id
}

output "vpc_id" {
  value = data.aws_vpc.selected.id
}

output "cidr_block" {
  value = data.aws_vpc.selected.cidr_block
}
