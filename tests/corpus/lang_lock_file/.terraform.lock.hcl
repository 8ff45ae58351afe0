# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.82.2"
  constraints = "~> 5.0"
  hashes = [
    "h1:omhq1RTrcIpR7umsiSinSEnlagNIlRgWsT4q3x83d/Q=",
    "zh:11d1068a6a8e4889d4cb7928e0fdbe083cd88928b1ae6f1c9464bffe48a0371c",
    "zh:1571c4a733711d76e84a10c2215652e3db2c0a46389b955eb411c4e34dcfe623",
    "zh:2df1a11ca58c749c2e089b0f99400a068a69af3cbec6384e1a481e93f218a581",
    "zh:344e5c9d53bfc05de85f28da2def77cba206de9c1461ba2a8ce85240025d1b81",
    "zh:6e3eba66cb10353f7b396c3065a8d96f70380aa2ae5b19530f03418a06f134a0",
    "zh:75a7f41f7f709bcb6c9e5405bc71d93dba06748ea5f90ae56818744aaa3d4a40",
    "zh:997a1bb95bc67d861e7819b2eb901d968f0bc5199173f6abaf4fb8c99ba021fb",
    "zh:9c6d5f7df6e7b84201d2abf4dbb725c8faf1c4160c378a79cf8c9d3f48af7883",
    "zh:9d285a37df9f2a8ae0d9467dbae80e34d5a242f96b06bb298045f42390655d65",
    "zh:c8074641460f38e4364ab9e23b90a0126ac8538d9fdf2f485769ee36b44789ba",
    "zh:cb360dfee8630755c2a705b38d067b913506736349d982622a54fc98bb49e91e",
    "zh:e2bf2ad107d26c183cac18399f29e7165962d9af824b6e2acedf027e4c01962a",
    "zh:f5347bc95f7b2c54dd81fed0505f38d6be09ba3615db57a772a81e0409f12354",
  ]
}
