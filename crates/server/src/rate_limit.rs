//! A per-address token bucket for `POST /events`, in memory only. The address is a
//! map key for as long as its bucket is not full again, and is never written to the
//! database or to a log line. Behind a reverse proxy every request comes from the
//! proxy's address: the limit is then the proxy's (a later slice may trust a
//! forwarded header from configured proxies).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Above this many tracked addresses, the idle ones (bucket full again) are dropped.
const PRUNE_ABOVE: usize = 10_000;

pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl RateLimiter {
    /// `per_second` requests per second per address, and a burst of as many.
    pub fn new(per_second: u32) -> RateLimiter {
        RateLimiter {
            per_second: f64::from(per_second),
            burst: f64::from(per_second),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `address` may make one more request now (and counts it if so).
    pub fn allow(&self, address: IpAddr) -> bool {
        let now = Instant::now();
        // A poisoned lock only means another request panicked mid-update; the counts
        // are still usable, and refusing everyone would be worse.
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() > PRUNE_ABOVE {
            let (per_second, burst) = (self.per_second, self.burst);
            buckets.retain(|_, bucket| {
                bucket.tokens + now.duration_since(bucket.updated).as_secs_f64() * per_second
                    < burst
            });
        }
        let bucket = buckets.entry(address).or_insert(Bucket {
            tokens: self.burst,
            updated: now,
        });
        let refill = now.duration_since(bucket.updated).as_secs_f64() * self.per_second;
        bucket.tokens = (bucket.tokens + refill).min(self.burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_refused_per_address() {
        let limiter = RateLimiter::new(3);
        let one: IpAddr = "192.0.2.1".parse().unwrap();
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        assert!((0..3).all(|_| limiter.allow(one)));
        assert!(!limiter.allow(one));
        assert!(limiter.allow(other), "another address has its own bucket");
    }
}
