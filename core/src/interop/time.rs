//! `time`: [`DateTime`] into `OffsetDateTime` (UTC) and
//! `PrimitiveDateTime`, [`TimeSpan`] into `time::Duration`.

use time::{OffsetDateTime, PrimitiveDateTime};

use super::ConversionError;
use crate::value::{DateTime, TimeSpan};

/// In UTC; an error outside `time`'s range (years -9999 to 9999 without its
/// `large-dates` feature, so never for a parsed value).
impl TryFrom<DateTime> for OffsetDateTime {
    type Error = ConversionError;

    fn try_from(d: DateTime) -> Result<Self, ConversionError> {
        OffsetDateTime::from_unix_timestamp_nanos(d.unix_nanos())
            .map_err(|_| ConversionError::new("time::OffsetDateTime", "out of range"))
    }
}

/// The UTC date and time.
impl TryFrom<DateTime> for PrimitiveDateTime {
    type Error = ConversionError;

    fn try_from(d: DateTime) -> Result<Self, ConversionError> {
        let odt = OffsetDateTime::try_from(d)
            .map_err(|_| ConversionError::new("time::PrimitiveDateTime", "out of range"))?;
        Ok(PrimitiveDateTime::new(odt.date(), odt.time()))
    }
}

/// Exact: every [`TimeSpan`] fits.
impl From<TimeSpan> for time::Duration {
    fn from(t: TimeSpan) -> Self {
        let (secs, nanos) = t.secs_nanos_truncated();
        time::Duration::new(secs, nanos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extremes_and_precision() {
        let max = OffsetDateTime::try_from(DateTime::MAX).unwrap();
        assert_eq!(
            (max.year(), max.ordinal(), max.nanosecond()),
            (9999, 365, 999_999_900)
        );
        let min = PrimitiveDateTime::try_from(DateTime::MIN).unwrap();
        assert_eq!((min.year(), min.ordinal(), min.hour()), (0, 1, 0));
        assert!(OffsetDateTime::try_from(DateTime::from_ticks(i64::MAX)).is_err());
        for t in [i64::MIN, i64::MAX, -15_000_000, 1] {
            let d = time::Duration::from(TimeSpan::from_ticks(t));
            assert_eq!(d.whole_nanoseconds(), i128::from(t) * 100);
        }
    }
}
