//! `iac adopt` on Insync's 21 hand-made droplets, their tags, names and firewall (made
//! over HTTP on the DigitalOcean emulator): `--fold` writes the droplets as one block
//! over a map, the first plan only imports, and the stack then plans clean.

use iac_e2e::handmade::{self, digitalocean};
use iac_e2e::{Emulator, Stack};

#[test]
fn insync_is_adopted_with_its_droplets_folded_into_one_block() {
    let stack = Stack::new(Emulator::DigitalOcean, &[]);
    let made = digitalocean::insync(&stack);
    let args = ["--provider", "digitalocean", "--fold"];
    let mut written = handmade::adopt(&stack, &made, &args);
    assert_eq!(
        written.resources().get("digitalocean_droplet"),
        Some(&1),
        "the 21 droplets are one block:\n{}",
        written.text()
    );
    let droplets = written
        .blocks("resource")
        .find(|b| b.labels[0].as_str() == "digitalocean_droplet")
        .unwrap();
    assert!(droplets.body.get_attribute("for_each").is_some());
    handmade::assert_adopt_refuses_to_overwrite(&stack, &args);

    written.edit(
        ("digitalocean_firewall", "name", "ct1-ssh"),
        "name",
        "gateway-ssh",
    );
    handmade::assert_plans_one_update(&stack, "name");
}
