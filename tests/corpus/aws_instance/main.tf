data "aws_ami" "ubuntu" {
  most_recent = true
  owners      = ["099720109477"] # Canonical

  # Adapted: moto ships only older Ubuntu images, so any release matches.
  filter {
    name   = "name"
    values = ["ubuntu/images/hvm-ssd/ubuntu-*-amd64-server-*"]
  }

  filter {
    name   = "virtualization-type"
    values = ["hvm"]
  }
}

resource "aws_instance" "example" {
  ami           = data.aws_ami.ubuntu.id
  instance_type = "t3.micro"

  root_block_device {
    volume_size = 16
    volume_type = "gp3"
  }

  tags = {
    Name = "HelloWorld"
  }
}

output "instance_public_ip" {
  value = aws_instance.example.public_ip
}
