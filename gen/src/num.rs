//! Allocation-free integer and digit formatting into a `Vec<u8>`.

use crate::rng::Rng;

/// "00" "01" ... "99".
const LUT: [u8; 200] = {
    let mut a = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        a[2 * i] = b'0' + (i / 10) as u8;
        a[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    a
};

/// Appends the decimal form of `n`.
#[inline]
pub(crate) fn write_u64(out: &mut Vec<u8>, mut n: u64) {
    if n < 10 {
        out.push(b'0' + n as u8);
        return;
    }
    let len = n.ilog10() as usize + 1;
    let start = out.len();
    out.resize(start + len, 0);
    let dst = &mut out[start..];
    let mut i = len;
    while n >= 100 {
        let d = (n % 100) as usize * 2;
        n /= 100;
        i -= 2;
        dst[i..i + 2].copy_from_slice(&LUT[d..d + 2]);
    }
    if n >= 10 {
        let d = n as usize * 2;
        dst[i - 2..i].copy_from_slice(&LUT[d..d + 2]);
    } else {
        dst[i - 1] = b'0' + n as u8;
    }
}

/// Appends the decimal form of `n` (with a leading `-` when negative; handles `i64::MIN`).
#[inline]
pub(crate) fn write_i64(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    write_u64(out, n.unsigned_abs());
}

/// Appends `n` zero-padded to exactly two digits (`n < 100`).
#[inline]
pub(crate) fn write_2(out: &mut Vec<u8>, n: u64) {
    let d = (n % 100) as usize * 2;
    out.extend_from_slice(&LUT[d..d + 2]);
}

/// Appends `n` zero-padded to exactly `width` digits (`n < 10^width`, `width <= 20`).
#[inline]
pub(crate) fn write_padded(out: &mut Vec<u8>, mut n: u64, width: usize) {
    let mut tmp = [b'0'; 20];
    let mut i = tmp.len();
    while n > 0 && i > 0 {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.extend_from_slice(&tmp[tmp.len() - width..]);
}

/// Appends `n` random decimal digits; the first one is non-zero when `nonzero_first`.
#[inline]
pub(crate) fn random_digits(rng: &mut Rng, out: &mut Vec<u8>, mut n: usize, nonzero_first: bool) {
    if n == 0 {
        return;
    }
    if nonzero_first {
        out.push(b'1' + rng.below(9) as u8);
        n -= 1;
    }
    while n > 0 {
        let mut r = rng.next_u64();
        let k = n.min(19);
        for _ in 0..k {
            out.push(b'0' + (r % 10) as u8);
            r /= 10;
        }
        n -= k;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut v = Vec::new();
        f(&mut v);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn integers() {
        for n in [0u64, 1, 9, 10, 99, 100, 101, 12345, u64::MAX] {
            assert_eq!(s(|v| write_u64(v, n)), n.to_string());
        }
        for n in [0i64, -1, 42, -12345, i64::MIN, i64::MAX] {
            assert_eq!(s(|v| write_i64(v, n)), n.to_string());
        }
        assert_eq!(s(|v| write_2(v, 7)), "07");
        assert_eq!(s(|v| write_padded(v, 42, 7)), "0000042");
        assert_eq!(s(|v| write_padded(v, 0, 4)), "0000");
        assert_eq!(s(|v| write_padded(v, 9999, 4)), "9999");
    }

    #[test]
    fn digits() {
        let mut r = Rng::new(3, 3);
        for n in 0..40 {
            let t = s(|v| random_digits(&mut r, v, n, true));
            assert_eq!(t.len(), n);
            assert!(t.bytes().all(|b| b.is_ascii_digit()));
            if n > 0 {
                assert_ne!(t.as_bytes()[0], b'0');
            }
        }
    }
}
