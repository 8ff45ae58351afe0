data "aws_ami" "example" {
  most_recent = true
  name_regex  = "^ubuntu/images/hvm-ssd/ubuntu-[a-z]+-\\d{2}\\.\\d{2}-amd64-server-\\d{8}$"
  owners      = ["099720109477"]

  filter {
    name   = "name"
    values = ["ubuntu/images/*"]
  }

  filter {
    name   = "root-device-type"
    values = ["ebs"]
  }

  filter {
    name   = "virtualization-type"
    values = ["hvm"]
  }
}

output "ami_id" {
  value = data.aws_ami.example.id
}

output "ami_name" {
  value = data.aws_ami.example.name
}
