//! The pauses between looks at something DigitalOcean does asynchronously (an action, a
//! droplet's status): short at first, since a quick action is done within a second,
//! then doubling up to [`LONGEST`], as Terraform's provider backs off, so that a
//! droplet that takes a minute to build costs about ten requests, not two hundred, and
//! many waits in parallel stay under the rate limit. Every pause ends when iac is stopped.

use std::time::Duration;

use iac_provider::Interrupted;

const FIRST: Duration = Duration::from_millis(250);
pub const LONGEST: Duration = Duration::from_secs(8);

/// The pauses of one wait.
pub struct Polling {
    next: Duration,
}

impl Polling {
    pub fn new() -> Polling {
        Polling { next: FIRST }
    }

    /// Sleeps for the next pause, or until iac is stopped; the pause after is longer.
    pub async fn pause(&mut self) -> Result<(), Interrupted> {
        let pause = self.next_pause();
        iac_provider::stop::sleep(pause).await
    }

    fn next_pause(&mut self) -> Duration {
        let pause = self.next;
        self.next = (pause * 2).min(LONGEST);
        pause
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_up_to_the_longest() {
        let mut polling = Polling::new();
        let pauses: Vec<u128> = (0..8).map(|_| polling.next_pause().as_millis()).collect();
        assert_eq!(pauses, [250, 500, 1000, 2000, 4000, 8000, 8000, 8000]);
    }

    #[tokio::test]
    async fn a_pause_ends_on_stop() {
        let stop = iac_provider::Stop::new();
        let mut polling = Polling { next: LONGEST };
        let requester = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            requester.request();
        });
        let started = std::time::Instant::now();
        assert_eq!(stop.scope(polling.pause()).await, Err(Interrupted));
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}
