//! Conversions between the value types of [`crate::value`] and the types of
//! other crates, each behind its own feature (all `no_std`).
//!
//! Every conversion is exact: a value the target cannot hold exactly (out of
//! its range, or finer than its precision) is a [`ConversionError`], never
//! rounded or clamped.
//!
//! | from | into | feature |
//! |---|---|---|
//! | [`TimeSpan`] | [`core::time::Duration`] (`TryFrom`: non-negative only) | always |
//! | [`DateTime`] | `chrono::DateTime<Utc>`, `chrono::NaiveDateTime` (`TryFrom`) | `chrono` |
//! | [`TimeSpan`] | `chrono::TimeDelta` (`TryFrom`) | `chrono` |
//! | [`DateTime`] | `time::OffsetDateTime` (UTC), `time::PrimitiveDateTime` (`TryFrom`) | `time` |
//! | [`TimeSpan`] | `time::Duration` (`From`) | `time` |
//! | [`DateTime`] | `jiff::Timestamp` (`TryFrom`) | `jiff` |
//! | [`TimeSpan`] | `jiff::SignedDuration` (`From`) | `jiff` |
//! | [`Guid`] | `uuid::Uuid`, and back (`From`) | `uuid` |
//! | [`Decimal`] | `rust_decimal::Decimal` (`TryFrom`) | `rust_decimal` |
//!
//! [`DateTime::MAX`] (9999-12-31T23:59:59.9999999Z) converts into every
//! target but `jiff::Timestamp`, whose range ends on 9999-12-30 (a
//! [`ConversionError`]).
//!
//! ```
//! use core::time::Duration;
//! use kusto_frames::value::TimeSpan;
//!
//! let t = TimeSpan::parse("1.02:03:04.5").unwrap();
//! assert_eq!(Duration::try_from(t), Ok(Duration::new(93_784, 500_000_000)));
//! assert!(Duration::try_from(TimeSpan::from_ticks(-1)).is_err());
//! ```
//!
//! [`TimeSpan`]: crate::value::TimeSpan
//! [`DateTime`]: crate::value::DateTime
//! [`DateTime::MAX`]: crate::value::DateTime::MAX
//! [`Guid`]: crate::value::Guid
//! [`Decimal`]: crate::value::Decimal

use core::fmt;

use crate::value::{DateTime, TimeSpan};

#[cfg(feature = "chrono")]
mod chrono;
#[cfg(feature = "jiff")]
mod jiff;
#[cfg(feature = "rust_decimal")]
mod rust_decimal;
#[cfg(feature = "time")]
mod time;
#[cfg(feature = "uuid")]
mod uuid;

/// A value that the target type cannot hold exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConversionError {
    target: &'static str,
    reason: &'static str,
}

impl ConversionError {
    pub(crate) const fn new(target: &'static str, reason: &'static str) -> Self {
        ConversionError { target, reason }
    }

    /// The target type's name, e.g. `chrono::DateTime<Utc>`.
    pub const fn target(&self) -> &'static str {
        self.target
    }
}

impl fmt::Display for ConversionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot convert to {}: {}", self.target, self.reason)
    }
}

impl core::error::Error for ConversionError {}

pub(crate) const TICKS_PER_SECOND: i64 = 10_000_000;
pub(crate) const NANOS_PER_TICK: i64 = 100;

#[allow(dead_code)] // used by some of the features only
impl DateTime {
    /// Nanoseconds since 1970-01-01T00:00:00Z (exact: every `i64` of ticks
    /// fits).
    pub(crate) fn unix_nanos(self) -> i128 {
        (i128::from(self.ticks()) - i128::from(DateTime::UNIX_EPOCH.ticks()))
            * i128::from(NANOS_PER_TICK)
    }

    /// Whole seconds since the Unix epoch (rounded down) and the
    /// nanoseconds after them (0 to 999 999 900).
    pub(crate) fn unix_secs_nanos(self) -> (i64, u32) {
        let t = i128::from(self.ticks()) - i128::from(DateTime::UNIX_EPOCH.ticks());
        let tps = i128::from(TICKS_PER_SECOND);
        // |t| < 2^64, so t / 10^7 fits an i64; the remainder is < 10^7.
        let secs = t.div_euclid(tps) as i64;
        let nanos = (t.rem_euclid(tps) as u32) * NANOS_PER_TICK as u32;
        (secs, nanos)
    }
}

#[allow(dead_code)] // used by some of the features only
impl TimeSpan {
    /// Whole seconds and the nanoseconds after them, both with the sign of
    /// the duration (truncated toward zero).
    pub(crate) fn secs_nanos_truncated(self) -> (i64, i32) {
        let t = self.ticks();
        let secs = t / TICKS_PER_SECOND;
        // |t % 10^7| < 10^7, times 100 < 10^9.
        let nanos = (t % TICKS_PER_SECOND) as i32 * NANOS_PER_TICK as i32;
        (secs, nanos)
    }

    /// Whole seconds (rounded down) and the non-negative nanoseconds after
    /// them.
    pub(crate) fn secs_nanos_floor(self) -> (i64, u32) {
        let t = self.ticks();
        let secs = t.div_euclid(TICKS_PER_SECOND);
        let nanos = t.rem_euclid(TICKS_PER_SECOND) as u32 * NANOS_PER_TICK as u32;
        (secs, nanos)
    }
}

/// A non-negative timespan as a [`core::time::Duration`]; a negative one is
/// an error.
impl TryFrom<TimeSpan> for core::time::Duration {
    type Error = ConversionError;

    fn try_from(t: TimeSpan) -> Result<Self, ConversionError> {
        if t.ticks() < 0 {
            return Err(ConversionError::new(
                "core::time::Duration",
                "negative timespan",
            ));
        }
        let (secs, nanos) = t.secs_nanos_floor();
        // secs >= 0 here.
        Ok(core::time::Duration::new(secs.unsigned_abs(), nanos))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn std_duration_is_exact_and_rejects_negative() {
        use core::time::Duration;
        assert_eq!(
            Duration::try_from(TimeSpan::MAX).unwrap().as_nanos(),
            i64::MAX as u128 * 100
        );
        assert_eq!(Duration::try_from(TimeSpan::ZERO), Ok(Duration::ZERO));
        assert_eq!(
            Duration::try_from(TimeSpan::from_ticks(1)),
            Ok(Duration::from_nanos(100))
        );
        let e = Duration::try_from(TimeSpan::MIN).unwrap_err();
        assert_eq!(e.target(), "core::time::Duration");
    }

    #[test]
    fn unix_split_rounds_down() {
        let d = DateTime::from_ticks(DateTime::UNIX_EPOCH.ticks() - 1);
        assert_eq!(d.unix_secs_nanos(), (-1, 999_999_900));
        assert_eq!(d.unix_nanos(), -100);
        assert_eq!(
            TimeSpan::from_ticks(-15_000_000).secs_nanos_truncated(),
            (-1, -500_000_000)
        );
        assert_eq!(
            TimeSpan::from_ticks(-15_000_000).secs_nanos_floor(),
            (-2, 500_000_000)
        );
        // The extremes do not overflow.
        let _ = DateTime::from_ticks(i64::MIN).unix_secs_nanos();
        let _ = DateTime::from_ticks(i64::MAX).unix_secs_nanos();
    }
}
