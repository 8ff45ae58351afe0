terraform {
  required_version = ">= 1.3.0, < 2.0.0"
}
