//! The 128-bit powers of five of the Eisel-Lemire algorithm ([`super::float`]),
//! computed at compile time.

/// The smallest and largest decimal exponents of the power-of-five table.
pub(super) const POW5_MIN: i64 = -342;
pub(super) const POW5_MAX: i64 = 308;

/// Little-endian limbs of a big unsigned integer, enough for 2^1728.
type Limbs = [u64; 28];

const fn limbs_bit_len(x: &Limbs) -> u32 {
    let mut i = x.len();
    while i > 0 {
        i -= 1;
        if x[i] != 0 {
            return i as u32 * 64 + 64 - x[i].leading_zeros();
        }
    }
    0
}

const fn limbs_mul_small(x: Limbs, m: u64) -> Limbs {
    let mut out = [0u64; 28];
    let mut carry = 0u128;
    let mut i = 0;
    while i < x.len() {
        let p = x[i] as u128 * m as u128 + carry;
        out[i] = p as u64;
        carry = p >> 64;
        i += 1;
    }
    out
}

const fn limbs_div_small(x: Limbs, d: u64) -> Limbs {
    let mut out = [0u64; 28];
    let mut rem = 0u128;
    let mut i = x.len();
    while i > 0 {
        i -= 1;
        let cur = (rem << 64) | x[i] as u128;
        out[i] = (cur / d as u128) as u64;
        rem = cur % d as u128;
    }
    out
}

/// `x >> s`.
const fn limbs_shr(x: Limbs, s: u32) -> Limbs {
    let mut out = [0u64; 28];
    let (words, bits) = ((s / 64) as usize, s % 64);
    let mut i = 0;
    while i + words < x.len() {
        let lo = x[i + words] >> bits;
        let hi = if bits != 0 && i + words + 1 < x.len() {
            x[i + words + 1] << (64 - bits)
        } else {
            0
        };
        out[i] = lo | hi;
        i += 1;
    }
    out
}

const fn limbs_add_one(x: Limbs) -> Limbs {
    let mut out = x;
    let mut i = 0;
    while i < out.len() {
        let (v, carry) = out[i].overflowing_add(1);
        out[i] = v;
        if !carry {
            break;
        }
        i += 1;
    }
    out
}

/// The 128 leading bits of `x` (shifted up when `x` is shorter).
const fn limbs_top128(x: &Limbs) -> u128 {
    let len = limbs_bit_len(x);
    if len <= 128 {
        let v = x[0] as u128 | (x[1] as u128) << 64;
        if len == 0 {
            0
        } else {
            v << (128 - len)
        }
    } else {
        let y = limbs_shr(*x, len - 128);
        y[0] as u128 | (y[1] as u128) << 64
    }
}

/// `5^q` for `q` in `POW5_MIN..=POW5_MAX`, normalized to 128 bits (the
/// leading bit set) as (high, low) words, as in the Eisel-Lemire paper and
/// fast_float: truncated for `q >= 0`; for `q < 0`, `floor(2^b / 5^-q) + 1`
/// with `b` chosen so the quotient has at least 128 bits, then truncated.
/// Computed at compile time.
const fn pow5_table() -> [(u64, u64); 651] {
    const B: u32 = 1728;
    let mut table = [(0u64, 0u64); 651];
    // q >= 0: 5^q.
    let mut p: Limbs = [0; 28];
    p[0] = 1;
    let mut q = 0;
    while q <= POW5_MAX {
        let v = limbs_top128(&p);
        table[(q - POW5_MIN) as usize] = ((v >> 64) as u64, v as u64);
        p = limbs_mul_small(p, 5);
        q += 1;
    }
    // q < 0: x = floor(2^B / 5^k) and p = 5^k for k = -q.
    let mut x: Limbs = [0; 28];
    x[(B / 64) as usize] = 1 << (B % 64);
    let mut p: Limbs = [0; 28];
    p[0] = 1;
    let mut k = 1;
    while k <= -POW5_MIN {
        x = limbs_div_small(x, 5);
        p = limbs_mul_small(p, 5);
        // z: the bit length of 5^k, the smallest z with 2^z > 5^k.
        let z = limbs_bit_len(&p);
        let b = if k <= 27 { z + 127 } else { 2 * z + 128 };
        // floor(2^b / 5^k) = floor(x / 2^(B - b)).
        let c = limbs_add_one(limbs_shr(x, B - b));
        let v = limbs_top128(&c);
        table[(-k - POW5_MIN) as usize] = ((v >> 64) as u64, v as u64);
        k += 1;
    }
    table
}

pub(super) static POW5_128: [(u64, u64); 651] = pow5_table();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pow5_table_matches_fast_float() {
        // Entries of fast_float's (and core's) table, computed with Python's
        // big integers.
        let known: &[(i64, u64, u64)] = &[
            (-342, 0xeef4_53d6_923b_d65a, 0x113f_aa29_06a1_3b3f),
            (-341, 0x9558_b466_1b65_65f8, 0x4ac7_ca59_a424_c507),
            (-28, 0xfd87_b5f2_8300_ca0d, 0x8bca_9d6e_1888_53fc),
            (-27, 0x9e74_d1b7_91e0_7e48, 0x775e_a264_cf55_347e),
            (-26, 0xc612_0625_7658_9dda, 0x9536_4afe_032a_819e),
            (-1, 0xcccc_cccc_cccc_cccc, 0xcccc_cccc_cccc_cccd),
            (0, 0x8000_0000_0000_0000, 0),
            (1, 0xa000_0000_0000_0000, 0),
            (27, 0xcecb_8f27_f420_0f3a, 0),
            (28, 0x813f_3978_f894_0984, 0x4000_0000_0000_0000),
            (55, 0xd0cf_4b50_cfe2_0765, 0xfff4_b4e3_f741_cf6d),
            (56, 0x8281_8f12_81ed_449f, 0xbff8_f10e_7a89_21a4),
            (308, 0x8e67_9c2f_5e44_ff8f, 0x570f_09ea_a7ea_7648),
        ];
        for &(q, hi, lo) in known {
            let at = usize::try_from(q - POW5_MIN).unwrap();
            assert_eq!(POW5_128[at], (hi, lo), "5^{q}");
        }
        // Every entry is normalized, and 5^q for 0 <= q <= 27 is exact.
        assert!(POW5_128.iter().all(|&(hi, _)| hi >> 63 == 1));
        for q in 0..=27u32 {
            let p = 5u64.pow(q);
            let at = usize::try_from(i64::from(q) - POW5_MIN).unwrap();
            assert_eq!(POW5_128[at], (p << p.leading_zeros(), 0), "5^{q}");
        }
    }
}
