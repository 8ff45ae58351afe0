buckets = [
  { name = "corpus-for-billing", team = "finance", enabled = true },
  { name = "corpus-for-ledger", team = "finance", enabled = true },
  { name = "corpus-for-web", team = "web", enabled = true },
  { name = "corpus-for-retired", team = "web", enabled = false },
]
