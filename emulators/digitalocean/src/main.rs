//! `do-emulator [--port N] [--action-delay-ms N] [--rate-limit N] [--rate-limit-hourly N]
//! [--droplet-limit N]`: serves the DigitalOcean API emulator on 127.0.0.1 until killed.
//! The rate limits are requests per token in any minute (DigitalOcean's 250) and any hour
//! (its 5,000).

use std::time::Duration;

use iac_do_emulator::{Settings, app};

fn usage() -> ! {
    eprintln!(
        "usage: do-emulator [--port N] [--action-delay-ms N] [--rate-limit N] [--rate-limit-hourly N] [--droplet-limit N]"
    );
    std::process::exit(2)
}

#[tokio::main]
async fn main() {
    let mut settings = Settings::default();
    let mut port: u16 = 5050;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_else(|| usage());
        let number: u64 = value.parse().unwrap_or_else(|_| usage());
        match flag.as_str() {
            "--port" => port = u16::try_from(number).unwrap_or_else(|_| usage()),
            "--action-delay-ms" => settings.action_delay = Duration::from_millis(number),
            "--rate-limit" => {
                settings.rate_limit_per_minute = u32::try_from(number).unwrap_or_else(|_| usage())
            }
            "--rate-limit-hourly" => {
                settings.rate_limit_per_hour = u32::try_from(number).unwrap_or_else(|_| usage())
            }
            "--droplet-limit" => settings.droplet_limit = number,
            _ => usage(),
        }
    }
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap_or_else(|e| {
            eprintln!("do-emulator: cannot listen on port {port}: {e}");
            std::process::exit(1)
        });
    eprintln!("do-emulator listening on http://127.0.0.1:{port}");
    axum::serve(listener, app(settings))
        .await
        .expect("the server runs until killed");
}
