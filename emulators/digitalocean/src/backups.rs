//! Droplet backup policies: checked as DigitalOcean checks them, and the next backup
//! window they give.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const HOURS: [u64; 6] = [0, 4, 8, 12, 16, 20];

/// A droplet's backup policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    pub plan: String,
    pub weekday: String,
    pub hour: u64,
}

impl Default for Policy {
    /// DigitalOcean's policy when none is given: daily, in the first window.
    fn default() -> Policy {
        Policy {
            plan: "daily".into(),
            weekday: "SUN".into(),
            hour: 0,
        }
    }
}

impl Policy {
    /// The policy a request's `backup_policy` names (absent keys take the defaults), or
    /// the message DigitalOcean answers a bad one with.
    pub fn from_request(v: &Value) -> Result<Policy, String> {
        let default = Policy::default();
        let plan = v["plan"].as_str().unwrap_or(&default.plan).to_string();
        if plan != "daily" && plan != "weekly" {
            return Err(format!(
                "invalid backup plan {plan:?}: must be daily or weekly"
            ));
        }
        let weekday = v["weekday"]
            .as_str()
            .unwrap_or(&default.weekday)
            .to_string();
        if !WEEKDAYS.contains(&weekday.as_str()) {
            return Err(format!("invalid weekday {weekday:?}"));
        }
        let hour = match &v["hour"] {
            Value::Null => default.hour,
            h => h
                .as_u64()
                .filter(|h| HOURS.contains(h))
                .ok_or_else(|| format!("invalid hour {h}: must be one of 0, 4, 8, 12, 16, 20"))?,
        };
        Ok(Policy {
            plan,
            weekday,
            hour,
        })
    }

    /// The policy as DigitalOcean reports it.
    pub fn json(&self) -> Value {
        json!({
            "plan": self.plan,
            "weekday": self.weekday,
            "hour": self.hour,
            "window_length_hours": 4,
            "retention_period_days": if self.plan == "weekly" { 28 } else { 7 },
        })
    }

    /// The next four-hour window the policy backs up in, from `now`.
    pub fn next_window(&self, now: SystemTime) -> Value {
        let secs = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        let day = secs / 86_400;
        let weekday = WEEKDAYS
            .iter()
            .position(|d| *d == self.weekday)
            .unwrap_or(0) as u64;
        let start = (0..=7)
            .map(|ahead| (day + ahead) * 86_400 + self.hour * 3_600)
            .filter(|start| *start > secs)
            // 1970-01-01 was a Thursday (index 4).
            .find(|start| self.plan == "daily" || (start / 86_400 + 4) % 7 == weekday)
            .unwrap_or(secs);
        let at = |s: u64| {
            humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(s)).to_string()
        };
        json!({"start": at(start), "end": at(start + 4 * 3_600)})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weekly_window_falls_on_its_weekday_and_hour() {
        let policy = Policy {
            plan: "weekly".into(),
            weekday: "SUN".into(),
            hour: 20,
        };
        // Wednesday 2024-09-11 12:00 UTC.
        let now = UNIX_EPOCH + Duration::from_secs(1_726_056_000);
        assert_eq!(
            policy.next_window(now),
            json!({"start": "2024-09-15T20:00:00Z", "end": "2024-09-16T00:00:00Z"})
        );
    }

    #[test]
    fn bad_policies_are_refused_and_missing_keys_defaulted() {
        assert!(Policy::from_request(&json!({"plan": "hourly"})).is_err());
        assert!(Policy::from_request(&json!({"hour": 3})).is_err());
        assert!(Policy::from_request(&json!({"weekday": "sunday"})).is_err());
        assert_eq!(
            Policy::from_request(&json!({"plan": "weekly", "weekday": "MON"})),
            Ok(Policy {
                plan: "weekly".into(),
                weekday: "MON".into(),
                hour: 0
            })
        );
    }
}
