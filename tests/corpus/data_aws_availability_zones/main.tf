data "aws_availability_zones" "available" {
  state = "available"
}

data "aws_availability_zones" "example" {
  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

data "aws_availability_zones" "without_first" {
  exclude_names = [data.aws_availability_zones.available.names[0]]
}

output "names" {
  value = data.aws_availability_zones.available.names
}

output "zone_ids" {
  value = data.aws_availability_zones.available.zone_ids
}

output "filtered_names" {
  value = data.aws_availability_zones.example.names
}

output "without_first" {
  value = data.aws_availability_zones.without_first.names
}
