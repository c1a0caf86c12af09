//! `rust_decimal`: [`Decimal`] into `rust_decimal::Decimal`, exactly.

use super::ConversionError;
use crate::value::Decimal;

const TARGET: &str = "rust_decimal::Decimal";

/// Exact: the same number, with the scale as written when it fits
/// (`"1.20"` keeps its two fraction digits). Trailing zeros are dropped
/// only where the scale (at most 28) or the 96-bit mantissa needs it; a
/// value that still does not fit (more than 28 significant fraction digits,
/// or beyond ±79 228 162 514 264 337 593 543 950 335), NaN and the
/// infinities are errors.
impl<'a> TryFrom<Decimal<'a>> for rust_decimal::Decimal {
    type Error = ConversionError;

    fn try_from(d: Decimal<'a>) -> Result<Self, ConversionError> {
        if d.is_nan() || d.is_infinite() {
            return Err(ConversionError::new(TARGET, "not a finite number"));
        }
        let (mut m, mut scale) = d
            .to_scaled()
            .ok_or(ConversionError::new(TARGET, "out of range or too precise"))?;
        const MAX_MANTISSA: u128 = (1 << 96) - 1;
        while (scale > rust_decimal::Decimal::MAX_SCALE || m.unsigned_abs() > MAX_MANTISSA)
            && scale > 0
            && m % 10 == 0
        {
            m /= 10;
            scale -= 1;
        }
        rust_decimal::Decimal::try_from_i128_with_scale(m, scale)
            .map_err(|_| ConversionError::new(TARGET, "out of range or too precise"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn conv(s: &str) -> Result<rust_decimal::Decimal, ConversionError> {
        rust_decimal::Decimal::try_from(Decimal::parse(s).unwrap())
    }

    #[test]
    fn exact_or_error() {
        assert_eq!(conv("1.20").unwrap().to_string(), "1.20");
        assert_eq!(conv("-1.5E+3").unwrap().to_string(), "-1500");
        assert_eq!(conv("1e-5").unwrap().to_string(), "0.00001");
        assert_eq!(
            conv("79228162514264337593543950335").unwrap(),
            rust_decimal::Decimal::MAX
        );
        assert!(conv("79228162514264337593543950336").is_err());
        // 29 significant fraction digits do not fit; trailing zeros do.
        assert!(conv("0.12345678901234567890123456789").is_err());
        assert_eq!(
            conv("1.000000000000000000000000000000000")
                .unwrap()
                .to_string(),
            "1.0000000000000000000000000000"
        );
        assert_eq!(
            conv("7922816251426433759354395033500e-2").unwrap(),
            rust_decimal::Decimal::MAX
        );
        assert!(conv("NaN").is_err());
        assert!(conv("-Infinity").is_err());
    }
}
