resource "aws_key_pair" "deployer" {
  key_name   = "deployer-key"
  public_key = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDlqrvV0hK6ApuQG+FihGDAMkPfjx+wu5P0vaVAgRXTgpMkSSLwCO3q/s/qXEc92O0Lbq1ynLRdTv3KB2+ai3TvnU2rZVhtEkf309A1++5VRLqxYaT9AmXw1GRPOV210SMqs3YIgzmcfCNv1Fw4wSxdsD5A06RzCC4dFpfkUHknhgIj+wxsJIQ20JF8QOiNsUZw1UUiiyvF/V3RPDa+XFyEH3GdR9y6SpM178hm7aPAdBt5U1Nkk/lBvGM0GeBXro0oqItoxsVYAHWNUwaEZ9pkQi2OPov4ECr5L/3n03uVGoCY4IVrS6WY+v8GEoK6TXsYpby4Gulp1fhyMp95aPIT corpus@example.com"
}

resource "aws_key_pair" "prefixed" {
  key_name_prefix = "ci-"
  public_key      = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDlqrvV0hK6ApuQG+FihGDAMkPfjx+wu5P0vaVAgRXTgpMkSSLwCO3q/s/qXEc92O0Lbq1ynLRdTv3KB2+ai3TvnU2rZVhtEkf309A1++5VRLqxYaT9AmXw1GRPOV210SMqs3YIgzmcfCNv1Fw4wSxdsD5A06RzCC4dFpfkUHknhgIj+wxsJIQ20JF8QOiNsUZw1UUiiyvF/V3RPDa+XFyEH3GdR9y6SpM178hm7aPAdBt5U1Nkk/lBvGM0GeBXro0oqItoxsVYAHWNUwaEZ9pkQi2OPov4ECr5L/3n03uVGoCY4IVrS6WY+v8GEoK6TXsYpby4Gulp1fhyMp95aPIT corpus@example.com"

  tags = {
    Team = "platform"
  }
}
