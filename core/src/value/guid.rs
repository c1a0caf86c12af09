//! `guid` values: [`Guid`].

use core::fmt;

/// A `guid`: 16 bytes in the order they are written in the text form (RFC
/// 4122 byte order).
///
/// ```
/// use kusto_frames::value::Guid;
///
/// let g = Guid::parse("0F8FAD5B-D9CB-469F-A165-70867728950E").unwrap();
/// assert_eq!(g.to_string(), "0f8fad5b-d9cb-469f-a165-70867728950e");
/// assert_eq!(g.as_bytes()[..2], [0x0f, 0x8f]);
/// assert_eq!(Guid::from_bytes(*g.as_bytes()), g);
/// assert!(Guid::parse("0f8fad5b").is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Guid(pub(super) [u8; 16]);

/// Where each byte's two hex digits start in `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
pub(super) const GUID_POSITIONS: [usize; 16] =
    [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

impl Guid {
    /// The all-zero guid.
    pub const NIL: Guid = Guid([0; 16]);

    /// The guid with these bytes, in textual order.
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        Guid(bytes)
    }

    /// The bytes, in textual order.
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// Parses `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (hex digits in any case).
    pub fn parse(s: &str) -> Option<Guid> {
        let b: &[u8; 36] = s.as_bytes().try_into().ok()?;
        // The 32 hex digits side by side, then each byte converted on its
        // own with no branch and no table (the compiler takes them 16 at a
        // time): a byte that is not a hex digit becomes 0xFF, whose high
        // nibble shows in `seen` at the end.
        let mut hex = [0u8; 32];
        hex[..8].copy_from_slice(&b[..8]);
        hex[8..12].copy_from_slice(&b[9..13]);
        hex[12..16].copy_from_slice(&b[14..18]);
        hex[16..20].copy_from_slice(&b[19..23]);
        hex[20..].copy_from_slice(&b[24..]);
        let mut seen = 0;
        for c in hex.iter_mut() {
            *c = hex_nibble(*c);
            seen |= *c;
        }
        let dashes = (b[8] == b'-') & (b[13] == b'-') & (b[18] == b'-') & (b[23] == b'-');
        let mut out = [0u8; 16];
        for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
            if let [hi, lo] = *pair {
                *byte = (hi << 4) | (lo & 0xF);
            }
        }
        (dashes & (seen < 16)).then_some(Guid(out))
    }
}

/// The value of the hex digit `c`, or 0xFF. Branch-free.
#[inline(always)]
fn hex_nibble(c: u8) -> u8 {
    let digit = c.wrapping_sub(b'0');
    // `| 0x20` maps exactly `A`..=`F` onto `a`..=`f` (and leaves those).
    let letter = (c | 0x20).wrapping_sub(b'a');
    if digit < 10 {
        digit
    } else if letter < 6 {
        letter + 10
    } else {
        0xFF
    }
}

impl fmt::Display for Guid {
    /// Lowercase, with hyphens: `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut buf = *b"00000000-0000-0000-0000-000000000000";
        for (&byte, &at) in self.0.iter().zip(GUID_POSITIONS.iter()) {
            if let Some(dst) = buf.get_mut(at..at + 2) {
                for (d, nibble) in dst.iter_mut().zip([byte >> 4, byte & 0xf]) {
                    *d = HEX.get(usize::from(nibble)).copied().unwrap_or(b'0');
                }
            }
        }
        f.pad(core::str::from_utf8(&buf).map_err(|_| fmt::Error)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn guid_parse_and_display() {
        let bytes = [
            0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54,
            0x32, 0x10,
        ];
        let lower = "01234567-89ab-cdef-fedc-ba9876543210";
        for text in [
            lower,
            "01234567-89AB-CDEF-FEDC-BA9876543210",
            "01234567-89Ab-cDeF-FeDc-bA9876543210",
        ] {
            let g = Guid::parse(text);
            assert_eq!(g.map(|g| *g.as_bytes()), Some(bytes), "{text}");
        }
        assert_eq!(Guid::from_bytes(bytes).to_string(), lower);
        assert_eq!(
            Guid::NIL.to_string(),
            "00000000-0000-0000-0000-000000000000"
        );
        assert_eq!(
            Guid::from_bytes([0xff; 16]).to_string(),
            "ffffffff-ffff-ffff-ffff-ffffffffffff"
        );
        let bad = [
            "",
            "0123456789abcdeffedcba9876543210",
            "{01234567-89ab-cdef-fedc-ba9876543210}",
            "01234567-89ab-cdef-fedc-ba987654321",
            "01234567-89ab-cdef-fedc-ba98765432100",
            "01234567-89ab-cdef-fedcba-9876543210",
            "0123456-789ab-cdef-fedc-ba9876543210",
            "01234567-89ab-cdef-fedc-ba987654321g",
            "01234567+89ab-cdef-fedc-ba9876543210",
            "01234567-89ab-cdef-fedc-ba98765432 0",
            "0123456é-89ab-cdef-fedc-ba987654321",
        ];
        for text in bad {
            assert_eq!(Guid::parse(text), None, "{text}");
        }
    }

    #[test]
    fn hex_nibbles_of_every_byte() {
        for c in 0..=u8::MAX {
            let want = char::from(c).to_digit(16).map_or(0xFF, |v| v as u8);
            assert_eq!(hex_nibble(c), want, "{c:#x}");
        }
    }
}
