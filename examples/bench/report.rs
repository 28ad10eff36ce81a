//! Printing: the table for people, the JSON line for machines, and the process's peak memory.

use std::fmt::Write as _;

/// Peak resident memory of this process so far (VmHWM), in MB; 0 where unknown.
pub fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Megabytes per second.
pub fn mbps(bytes: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        bytes as f64 / 1e6 / seconds
    } else {
        0.0
    }
}

/// A JSON object built field by field (numbers and plain strings only).
#[derive(Default)]
pub struct Json(String);

impl Json {
    pub fn num(&mut self, key: &str, value: f64) -> &mut Self {
        let value = if value.fract() == 0.0 && value.abs() < 1e15 {
            format!("{value:.0}")
        } else {
            format!("{value:.4}")
        };
        self.raw(key, &value)
    }
    pub fn int(&mut self, key: &str, value: u64) -> &mut Self {
        self.raw(key, &value.to_string())
    }
    pub fn raw(&mut self, key: &str, value: &str) -> &mut Self {
        if !self.0.is_empty() {
            self.0.push(',');
        }
        let _ = write!(self.0, "\"{key}\":{value}");
        self
    }
    pub fn finish(&self) -> String {
        format!("{{{}}}", self.0)
    }
}
