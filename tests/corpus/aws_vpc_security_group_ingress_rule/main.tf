data "aws_vpc" "main" {
  default = true
}

resource "aws_security_group" "example" {
  name        = "example"
  description = "Rules are managed by separate resources"
  vpc_id      = data.aws_vpc.main.id

  tags = {
    Name = "example"
  }
}

resource "aws_vpc_security_group_ingress_rule" "example" {
  security_group_id = aws_security_group.example.id

  cidr_ipv4   = "10.0.0.0/8"
  from_port   = 80
  ip_protocol = "tcp"
  to_port     = 80
}

resource "aws_vpc_security_group_ingress_rule" "allow_tls_ipv4" {
  security_group_id = aws_security_group.example.id
  cidr_ipv4         = data.aws_vpc.main.cidr_block
  from_port         = 443
  ip_protocol       = "tcp"
  to_port           = 443
  description       = "TLS from the VPC"
}

resource "aws_vpc_security_group_ingress_rule" "allow_tls_ipv6" {
  security_group_id = aws_security_group.example.id
  cidr_ipv6         = "2001:db8::/32"
  from_port         = 443
  ip_protocol       = "tcp"
  to_port           = 443
}

resource "aws_security_group" "peer" {
  name        = "peer"
  description = "Referenced by a rule"
  vpc_id      = data.aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "from_peer" {
  security_group_id            = aws_security_group.example.id
  referenced_security_group_id = aws_security_group.peer.id
  ip_protocol                  = "-1"

  tags = {
    Name = "from-peer"
  }
}
