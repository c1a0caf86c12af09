//! `chrono`: [`DateTime`] into `DateTime<Utc>` and `NaiveDateTime`,
//! [`TimeSpan`] into `TimeDelta`.

use chrono::{NaiveDateTime, TimeDelta, Utc};

use super::ConversionError;
use crate::value::{DateTime, TimeSpan};

/// Exact (every [`DateTime`] is inside chrono's range of about ±262 000
/// years).
impl TryFrom<DateTime> for chrono::DateTime<Utc> {
    type Error = ConversionError;

    fn try_from(d: DateTime) -> Result<Self, ConversionError> {
        let (secs, nanos) = d.unix_secs_nanos();
        chrono::DateTime::from_timestamp(secs, nanos).ok_or(ConversionError::new(
            "chrono::DateTime<Utc>",
            "out of range",
        ))
    }
}

/// The UTC date and time, exact.
impl TryFrom<DateTime> for NaiveDateTime {
    type Error = ConversionError;

    fn try_from(d: DateTime) -> Result<Self, ConversionError> {
        chrono::DateTime::<Utc>::try_from(d)
            .map(|d| d.naive_utc())
            .map_err(|_| ConversionError::new("chrono::NaiveDateTime", "out of range"))
    }
}

/// Exact (every [`TimeSpan`] is inside `TimeDelta`'s range).
impl TryFrom<TimeSpan> for TimeDelta {
    type Error = ConversionError;

    fn try_from(t: TimeSpan) -> Result<Self, ConversionError> {
        let (secs, nanos) = t.secs_nanos_floor();
        TimeDelta::new(secs, nanos).ok_or(ConversionError::new("chrono::TimeDelta", "out of range"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn extremes_and_precision() {
        let max = chrono::DateTime::<Utc>::try_from(DateTime::MAX).unwrap();
        assert_eq!(
            max.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
            "9999-12-31T23:59:59.999999900Z"
        );
        let min = NaiveDateTime::try_from(DateTime::MIN).unwrap();
        assert_eq!(min.to_string(), "0000-01-01 00:00:00");
        let d = DateTime::parse("2024-01-15T10:00:00.1234567Z").unwrap();
        assert_eq!(
            NaiveDateTime::try_from(d).unwrap().to_string(),
            "2024-01-15 10:00:00.123456700"
        );
        for t in [i64::MIN, i64::MAX, 0] {
            assert!(chrono::DateTime::<Utc>::try_from(DateTime::from_ticks(t)).is_ok());
            let td = TimeDelta::try_from(TimeSpan::from_ticks(t)).unwrap();
            let nanos =
                i128::from(td.num_seconds()) * 1_000_000_000 + i128::from(td.subsec_nanos());
            assert_eq!(nanos, i128::from(t) * 100);
        }
        assert_eq!(
            TimeDelta::try_from(TimeSpan::from_ticks(-15_000_000)),
            Ok(TimeDelta::milliseconds(-1500))
        );
    }
}
