//! The crate's only unsafe code.
#![allow(unsafe_code)]

/// Views bytes that the lexer has already validated as UTF-8 as a `&str`.
///
/// Callers pass only slices that start and end on character boundaries of
/// text the lexer validated (whole JSON tokens, or the unescaped output it
/// wrote from validated escapes).
#[inline]
pub(crate) fn str_from_validated(bytes: &[u8]) -> &str {
    debug_assert!(core::str::from_utf8(bytes).is_ok());
    // SAFETY: the lexer rejects any byte sequence that is not UTF-8 inside
    // strings and any non-ASCII byte outside them, and unescaping only writes
    // the UTF-8 encoding of valid scalar values; every caller passes whole
    // tokens or whole unescaped strings, so `bytes` is valid UTF-8.
    unsafe { core::str::from_utf8_unchecked(bytes) }
}

/// One bit per byte of the 16 bytes at the start of `block` that ends a
/// plain string run (`"`, `\`, a control character or a non-ASCII byte).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn special16(block: &[u8]) -> u32 {
    use core::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    assert!(block.len() >= 16);
    // SAFETY: `block` has at least 16 readable bytes (asserted above; the
    // callers' `get` makes the assert compile away); `_mm_loadu_si128` has
    // no alignment requirement; SSE2 is enabled for this target (cfg
    // above), so the intrinsics are available.
    unsafe {
        let v = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
        let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
        let bslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
        // Signed compare: flags bytes below 0x20 and every byte >= 0x80.
        let low = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
        _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, bslash), low)) as u32
    }
}

/// One bit per byte of `bytes[i..i + 32]` that ends a plain string run (see
/// [`find_special`]), or `None` when fewer than 32 bytes lie before `lim`.
/// SSE2 where the target has it; elsewhere always `None`.
#[inline(always)]
pub(crate) fn special_mask32(bytes: &[u8], i: usize, lim: usize) -> Option<u32> {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        let pair = bytes.get(i..i + 32).filter(|_| i + 32 <= lim)?;
        let (a, b) = pair.split_at(16);
        Some(special16(a) | (special16(b) << 16))
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        let _ = (bytes, i, lim);
        None
    }
}

/// `Ok`: index of the first byte in `bytes[i..lim]` that ends a plain
/// string run (`"`, `\`, a control character or a non-ASCII byte), or
/// `lim`. `Err(i)`: fewer than 16 bytes lie before `lim` in all, and none
/// was looked at.
/// SSE2 (part of every x86_64 target) sixteen bytes at a time; the portable
/// path in [`crate::lex`] elsewhere.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
pub(crate) fn find_special(bytes: &[u8], mut i: usize, lim: usize) -> Result<usize, usize> {
    let lim = lim.min(bytes.len());
    // Thirty-two bytes per step while there is room: one branch for two
    // blocks (most strings end within 32 bytes).
    while i + 32 <= lim {
        let Some(pair) = bytes.get(i..i + 32) else {
            break;
        };
        let (a, b) = pair.split_at(16);
        let mask = special16(a) | (special16(b) << 16);
        if mask != 0 {
            return Ok(i + mask.trailing_zeros() as usize);
        }
        i += 32;
    }
    while i + 16 <= lim {
        let Some(block) = bytes.get(i..i + 16) else {
            break;
        };
        let mask = special16(block);
        if mask != 0 {
            return Ok(i + mask.trailing_zeros() as usize);
        }
        i += 16;
    }
    if i >= lim {
        return Ok(lim);
    }
    // Fewer than 16 bytes left: the last 16 before the limit, overlapping
    // bytes already seen, whose bits are shifted out.
    match lim.checked_sub(16).and_then(|a| bytes.get(a..lim)) {
        Some(block) => {
            let seen = i - (lim - 16);
            let mask = special16(block) >> seen;
            Ok(if mask != 0 {
                i + mask.trailing_zeros() as usize
            } else {
                lim
            })
        }
        None => Err(i),
    }
}

/// One bit per byte of `bytes[i..i + 32]` that is not an ASCII digit, or
/// `None` when fewer than 32 bytes lie there. SSE2 where the target has it;
/// elsewhere always `None` (the caller then scans byte by byte).
#[inline(always)]
pub(crate) fn nondigit_mask32(bytes: &[u8], i: usize) -> Option<u32> {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        use core::arch::x86_64::{
            __m128i, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
            _mm_sub_epi8, _mm_xor_si128,
        };
        let pair = bytes.get(i..i + 32)?;
        let (a, b) = pair.split_at(16);
        let digits = |block: &[u8]| -> u32 {
            assert!(block.len() >= 16);
            // SAFETY: `block` has at least 16 readable bytes (asserted
            // above; `get` makes the assert compile away);
            // `_mm_loadu_si128` has no alignment requirement; SSE2 is
            // enabled for this target (cfg above).
            unsafe {
                let v = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
                // b - '0' below 10 as an unsigned byte: flipping the high
                // bit turns that into a signed compare with 10 - 128.
                let t = _mm_xor_si128(
                    _mm_sub_epi8(v, _mm_set1_epi8(b'0' as i8)),
                    _mm_set1_epi8(i8::MIN),
                );
                _mm_movemask_epi8(_mm_cmplt_epi8(t, _mm_set1_epi8(i8::MIN + 10))) as u32
            }
        };
        Some(!(digits(a) | (digits(b) << 16)))
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        let _ = (bytes, i);
        None
    }
}

/// The bytes of `bytes[i..i + 32]` that matter when looking for the end of
/// a row, one bit per byte each: quotes, backslashes, opening
/// brackets (`{`, `[`) and closing brackets (`}`, `]`); `None` when fewer
/// than 32 bytes lie there. SSE2 where the target has it; elsewhere always
/// `None` (the caller then scans byte by byte).
#[inline(always)]
pub(crate) fn end_masks32(bytes: &[u8], i: usize) -> Option<[u32; 4]> {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        use core::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
            _mm_set1_epi8,
        };
        let pair = bytes.get(i..i + 32)?;
        let (a, b) = pair.split_at(16);
        let masks = |block: &[u8]| -> [u32; 4] {
            assert!(block.len() >= 16);
            // SAFETY: `block` has at least 16 readable bytes (asserted
            // above; `get` makes the assert compile away);
            // `_mm_loadu_si128` has no alignment requirement; SSE2 is
            // enabled for this target (cfg above).
            unsafe {
                let v = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
                // `[` and `{` (0x5B, 0x7B) are the only bytes that are 0x7B
                // with bit 5 set; `]` and `}` likewise 0x7D.
                let v20 = _mm_or_si128(v, _mm_set1_epi8(0x20));
                let bits = |m: __m128i| _mm_movemask_epi8(m) as u32;
                [
                    bits(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8))),
                    bits(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8))),
                    bits(_mm_cmpeq_epi8(v20, _mm_set1_epi8(b'{' as i8))),
                    bits(_mm_cmpeq_epi8(v20, _mm_set1_epi8(b'}' as i8))),
                ]
            }
        };
        let (lo, hi) = (masks(a), masks(b));
        Some([
            lo[0] | hi[0] << 16,
            lo[1] | hi[1] << 16,
            lo[2] | hi[2] << 16,
            lo[3] | hi[3] << 16,
        ])
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        let _ = (bytes, i);
        None
    }
}

/// Index of the first `b` in `bytes[i..]`, or `None`. SSE2 sixteen bytes at
/// a time where the target has it (the last bytes through the sixteen that
/// end the slice); elsewhere, and for slices shorter than sixteen bytes,
/// one byte at a time.
#[inline]
pub(crate) fn find_byte(bytes: &[u8], i: usize, b: u8) -> Option<usize> {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    let i = {
        let mut i = i;
        use core::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
        };
        let eq = |block: &[u8]| -> u32 {
            assert!(block.len() >= 16);
            // SAFETY: `block` has at least 16 readable bytes (asserted
            // above; the callers' `get` makes the assert compile away);
            // `_mm_loadu_si128` has no alignment requirement; SSE2 is
            // enabled for this target (cfg above).
            unsafe {
                let v = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
                _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8))) as u32
            }
        };
        let end = bytes.len();
        while let Some(block) = bytes.get(i..i + 16) {
            let m = eq(block);
            if m != 0 {
                return Some(i + m.trailing_zeros() as usize);
            }
            i += 16;
        }
        if i >= end {
            return None;
        }
        // Fewer than 16 bytes left: the 16 that end the slice, those
        // before `i` shifted out.
        if let Some(block) = end.checked_sub(16).and_then(|a| bytes.get(a..)) {
            let m = eq(block) >> (i - (end - 16));
            return (m != 0).then(|| i + m.trailing_zeros() as usize);
        }
        i
    };
    bytes.get(i..)?.iter().position(|&x| x == b).map(|k| i + k)
}
