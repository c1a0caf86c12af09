//! `jiff`: [`DateTime`] into `Timestamp`, [`TimeSpan`] into
//! `SignedDuration`.

use jiff::{SignedDuration, Timestamp};

use super::ConversionError;
use crate::value::{DateTime, TimeSpan};

/// An error outside `Timestamp`'s range, which ends at
/// 9999-12-30T22:00:00.999999999Z: [`DateTime::MAX`] does not fit.
impl TryFrom<DateTime> for Timestamp {
    type Error = ConversionError;

    fn try_from(d: DateTime) -> Result<Self, ConversionError> {
        Timestamp::from_nanosecond(d.unix_nanos())
            .map_err(|_| ConversionError::new("jiff::Timestamp", "out of range"))
    }
}

/// Exact: every [`TimeSpan`] fits.
impl From<TimeSpan> for SignedDuration {
    fn from(t: TimeSpan) -> Self {
        let (secs, nanos) = t.secs_nanos_truncated();
        SignedDuration::new(secs, nanos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extremes_and_precision() {
        assert!(Timestamp::try_from(DateTime::MAX).is_err());
        let d = DateTime::parse("9999-12-30T22:00:00.9999999Z").unwrap();
        assert_eq!(
            Timestamp::try_from(d).unwrap().as_nanosecond(),
            d.unix_nanos()
        );
        let d = DateTime::parse("0000-01-01T00:00:00Z").unwrap();
        assert_eq!(
            Timestamp::try_from(d).unwrap().as_nanosecond(),
            d.unix_nanos()
        );
        for t in [i64::MIN, i64::MAX, -15_000_000, 1] {
            let d = SignedDuration::from(TimeSpan::from_ticks(t));
            assert_eq!(d.as_nanos(), i128::from(t) * 100);
        }
    }
}
