//! The image catalogue, whose slugs move: DigitalOcean refreshes its base images, and a
//! slug such as `ubuntu-22-04-x64` then names a new image (a new id) while the old one
//! keeps its id, loses its slug and is no longer offered. A droplet made from the old
//! image still reports it, with `"slug": null`.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::catalog;
use crate::cloud::{Cloud, timestamp};

/// An image as the emulator keeps it.
pub struct Image {
    pub id: u64,
    /// `None` once a successor carries the slug.
    pub slug: Option<String>,
    pub distribution: String,
    pub name: String,
    pub created_at: String,
    /// Offered to new droplets and listed; false once superseded.
    pub public: bool,
}

impl Image {
    /// The image as DigitalOcean answers with it.
    pub fn json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "distribution": self.distribution,
            "slug": self.slug,
            "public": self.public,
            "regions": catalog::REGIONS.iter().map(|r| r.0).collect::<Vec<_>>(),
            "created_at": self.created_at,
            "type": "base",
            "min_disk_size": 7,
            "size_gigabytes": 2.5,
            "description": format!("{} {}", self.distribution, self.name),
            "tags": [],
            "status": "available",
        })
    }
}

/// The catalogue's base images, each carrying its slug.
pub fn seeds() -> BTreeMap<u64, Image> {
    catalog::IMAGES
        .iter()
        .map(|(id, slug, distribution, name)| {
            let image = Image {
                id: *id,
                slug: Some(slug.to_string()),
                distribution: distribution.to_string(),
                name: name.to_string(),
                created_at: "2024-04-25T00:00:00Z".into(),
                public: true,
            };
            (*id, image)
        })
        .collect()
}

impl Cloud {
    /// The image a slug names now, or the image with that numeric id (superseded ones
    /// included: DigitalOcean still shows them for the droplets made from them).
    pub fn image(&self, key: &str) -> Option<&Image> {
        match key.parse::<u64>() {
            Ok(id) => self.images.get(&id),
            Err(_) => self
                .images
                .values()
                .find(|i| i.slug.as_deref() == Some(key)),
        }
    }

    /// Moves `slug` to a new image of the same distribution; the old image keeps its id
    /// and loses the slug. `None` when no image carries the slug.
    pub fn supersede(&mut self, slug: &str) -> Option<&Image> {
        let old = self
            .image(slug)
            .filter(|_| slug.parse::<u64>().is_err())?
            .id;
        let id = self.images.keys().max().copied().unwrap_or_default() + 1;
        let old = self.images.get_mut(&old).expect("found above");
        old.slug = None;
        old.public = false;
        let new = Image {
            id,
            slug: Some(slug.to_string()),
            distribution: old.distribution.clone(),
            name: old.name.clone(),
            created_at: timestamp(),
            public: true,
        };
        self.images.insert(id, new);
        self.images.get(&id)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::AtomicU64;

    use crate::cloud::Cloud;

    #[test]
    fn a_successor_takes_the_slug_and_the_old_image_keeps_its_id() {
        let mut cloud = Cloud::new("dop_v1_test", Arc::new(AtomicU64::new(1)), 25);
        let old = cloud.image("ubuntu-22-04-x64").unwrap().id;
        let new = cloud.supersede("ubuntu-22-04-x64").unwrap().id;
        assert_ne!(old, new);
        assert_eq!(cloud.image("ubuntu-22-04-x64").unwrap().id, new);
        let retired = cloud.image(&old.to_string()).unwrap();
        assert_eq!(retired.slug, None);
        assert!(!retired.public);
        assert_eq!(
            cloud.image(&new.to_string()).unwrap().distribution,
            "Ubuntu"
        );
        assert!(cloud.supersede("no-such-slug").is_none());
    }
}
