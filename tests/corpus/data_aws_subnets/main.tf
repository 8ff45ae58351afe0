data "aws_vpc" "default" {
  default = true
}

data "aws_subnets" "example" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }
}

data "aws_subnets" "private" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }

  tags = {
    Tier = "Private"
  }
}

output "subnet_ids" {
  value = data.aws_subnets.example.ids
}

output "private_subnet_count" {
  value = length(data.aws_subnets.private.ids)
}
