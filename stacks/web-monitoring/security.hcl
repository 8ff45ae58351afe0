# Who reaches what: SSH from the admins, Redis and Postgres from the Kubernetes
# cluster (and Postgres from the ETL host), Elasticsearch and Kibana from the cluster.

resource "aws_security_group" "ssh" {
  name        = "wm-ssh"
  description = "SSH from the admins"
  vpc_id      = data.aws_vpc.default.id

  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.admin_cidrs
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "redis" {
  name        = "wm-cache"
  description = "Redis from the cluster"
  vpc_id      = data.aws_vpc.default.id

  ingress {
    description = "redis"
    from_port   = 6379
    to_port     = 6379
    protocol    = "tcp"
    cidr_blocks = var.cluster_cidrs
  }
}

resource "aws_security_group" "metrics" {
  name        = "wm-metrics"
  description = "Elasticsearch and Kibana from the cluster"
  vpc_id      = data.aws_vpc.default.id

  ingress {
    description = "elasticsearch"
    from_port   = 9200
    to_port     = 9200
    protocol    = "tcp"
    cidr_blocks = var.cluster_cidrs
  }

  ingress {
    description = "kibana"
    from_port   = 5601
    to_port     = 5601
    protocol    = "tcp"
    cidr_blocks = var.cluster_cidrs
  }
}

resource "aws_security_group" "postgres" {
  name        = "wm-postgres"
  description = "PostgreSQL from the cluster and the ETL host"
  vpc_id      = data.aws_vpc.default.id
}

resource "aws_vpc_security_group_ingress_rule" "postgres_from_cluster" {
  for_each = toset(var.cluster_cidrs)

  security_group_id = aws_security_group.postgres.id
  description       = "postgres from the cluster"
  cidr_ipv4         = each.value
  from_port         = 5432
  to_port           = 5432
  ip_protocol       = "tcp"
}

resource "aws_vpc_security_group_ingress_rule" "postgres_from_hosts" {
  security_group_id            = aws_security_group.postgres.id
  description                  = "postgres from the ETL host"
  referenced_security_group_id = aws_security_group.ssh.id
  from_port                    = 5432
  to_port                      = 5432
  ip_protocol                  = "tcp"
}
