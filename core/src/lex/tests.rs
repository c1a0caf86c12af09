use super::*;

/// A xorshift generator of pseudo-random words from `seed` (not zero).
fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

/// Byte-at-a-time definition of [`fast_number`].
fn number_ref(c: &[u8], mut i: usize, lim: usize) -> Option<usize> {
    let digit = |i: usize| i < lim && c[i].is_ascii_digit();
    if i < lim && c[i] == b'-' {
        i += 1;
    }
    if i < lim && c[i] == b'0' {
        i += 1;
    } else if i < lim && (b'1'..=b'9').contains(&c[i]) {
        while digit(i) {
            i += 1;
        }
    } else {
        return None;
    }
    if i < lim && c[i] == b'.' {
        i += 1;
        if !digit(i) {
            return None;
        }
        while digit(i) {
            i += 1;
        }
    }
    if i < lim && (c[i] == b'e' || c[i] == b'E') {
        i += 1;
        if i < lim && (c[i] == b'+' || c[i] == b'-') {
            i += 1;
        }
        if !digit(i) {
            return None;
        }
        while digit(i) {
            i += 1;
        }
    }
    (i < lim && matches!(c[i], b',' | b']' | b' ' | b'\n' | b'\r' | b'\t')).then_some(i)
}

/// The number scanners (the 32-byte window included, at every distance
/// from the limit, and near it through the last 32 bytes) agree with the byte-at-a-time definition on
/// number-like text: runs of digits of every length, signs, points,
/// exponents and separators in any arrangement.
#[test]
fn number_scanners_match_byte_definition_on_random_text() {
    const ALPHABET: &[u8] = b"0123456789012345678900-+.eE,]} x";
    let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
    for _ in 0..200_000 {
        let mut buf = [b'5'; 72];
        let r = next();
        // Long runs of digits, with a few other bytes among them.
        let sparse = r % 3 == 0;
        for b in buf.iter_mut() {
            let x = next();
            *b = if sparse && x % 8 != 0 {
                b'0' + (x >> 8) as u8 % 10
            } else {
                ALPHABET[(x >> 16) as usize % ALPHABET.len()]
            };
        }
        if r & 8 != 0 {
            buf[0] = b'-';
        }
        let lim = 72 - (r >> 16) as usize % 48;
        // From the start, or within 32 bytes of the limit (where the
        // window kernel reads the last 32 bytes' mask).
        let p = if r & 16 == 0 {
            (r >> 8) as usize % 4
        } else {
            (lim - 1).saturating_sub((r >> 24) as usize % 32)
        };
        let want = number_ref(&buf, p, lim);
        assert_eq!(
            fast_number(&buf, p, lim),
            want,
            "{:?} from {p} to {lim}",
            core::str::from_utf8(&buf)
        );
        // Inside an object a `}` may follow the number as well.
        let end = want.or_else(|| {
            let mut b2 = buf;
            let Step::End(at) = number(&buf, p, lim, Num::Start) else {
                return None;
            };
            (at < lim && buf[at] == b'}').then(|| {
                b2[at] = b',';
                number_ref(&b2, p, lim)
            })?
        });
        assert_eq!(
            fast_number_in(&buf, p, lim, true),
            end,
            "in object: {:?} from {p} to {lim}",
            core::str::from_utf8(&buf)
        );
    }
}

/// [`Runs`] finds the same run ends as [`plain_run`] when asked, as
/// [`fast_string_rest`] asks, for runs further and further on (inside
/// the 32 bytes it keeps, past them, and near the limit).
#[test]
fn runs_match_plain_run() {
    let mut next = xorshift(0x2545_f491_4f6c_dd1d);
    for _ in 0..20_000 {
        let mut buf = [b'a'; 100];
        let density = 2 + next() % 40;
        for b in buf.iter_mut() {
            let x = next();
            if x % density == 0 {
                *b = [b'"', b'\\', 0x1F, 0x80, 0xE9, 0xFF][(x >> 8) as usize % 6];
            }
        }
        let lim = 100 - (next() % 60) as usize;
        let mut runs = Runs::new();
        let mut i = (next() % 8) as usize;
        while i <= lim {
            let want = plain_run(&buf, i, lim);
            assert_eq!(runs.end(&buf, i, lim), want, "from {i} to {lim}: {buf:?}");
            i = want + 1 + (next() % 6) as usize;
        }
    }
}

/// The row-end scanner (32 bytes at a time where the target has SSE2)
/// gives the same end and the same state as the byte-at-a-time scan on
/// any bytes, whatever the state it starts in and however the bytes
/// arrive (each call sees more of them, resuming where the last one
/// stopped, as a held row does); on targets without SSE2 both are the
/// byte scan.
#[test]
fn row_end_matches_byte_scan_on_random_bytes() {
    const ALPHABET: &[u8] = b"\\\\\"\"\"[]{}a ,:";
    let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
    for round in 0..40_000 {
        let len = (next() % 150) as usize;
        let buf: Vec<u8> = (0..len)
            .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
            .collect();
        let p = (next() % 4) as usize % (len + 1);
        let start = RowScan {
            abs: 0,
            depth: 1 + (next() % 3) as usize,
            in_str: next() % 2 == 0,
            esc: next() % 4 == 0,
            ..RowScan::NONE
        };
        let mut want_st = start;
        let want = row_end_bytes(&buf, p, len, &mut want_st);
        // The bytes arriving in pieces.
        let mut st = start;
        let mut end = p;
        let got = loop {
            end = (end + 1 + (next() % 70) as usize).min(len);
            if let Some(e) = row_end(&buf[..end], p, &mut st) {
                break Some(e);
            }
            if end == len {
                break None;
            }
        };
        assert_eq!(
            got,
            want,
            "round {round}, from {p}: {:?}",
            alloc::string::String::from_utf8_lossy(&buf)
        );
        if want.is_none() {
            want_st.seen = len - p;
            assert_eq!(
                st,
                want_st,
                "round {round}: {:?}",
                alloc::string::String::from_utf8_lossy(&buf)
            );
        }
    }
}

/// A random well-formed JSON value (nested at most 5 deep): strings with
/// every kind of escape and brackets inside them, numbers.
fn value(next: &mut impl FnMut() -> u64, out: &mut Vec<u8>, depth: u32) {
    match next() % 6 {
        0 | 1 if depth < 5 => {
            let obj = next() % 2 == 0;
            out.push(if obj { b'{' } else { b'[' });
            for k in 0..next() % 4 {
                if k > 0 {
                    out.push(b',');
                }
                if obj {
                    string(next, out);
                    out.push(b':');
                }
                value(next, out, depth + 1);
            }
            out.push(if obj { b'}' } else { b']' });
        }
        2 | 3 => string(next, out),
        _ => out.extend_from_slice(b"-12.5e3"),
    }
}
/// A random well-formed JSON string (see [`value`]).
fn string(next: &mut impl FnMut() -> u64, out: &mut Vec<u8>) {
    const PIECES: [&[u8]; 8] = [
        b"ab", b"\\\\", b"\\\"", b"]}", b"[{", b"\\u005d", b"\\n", b"x y",
    ];
    out.push(b'"');
    for _ in 0..next() % 12 {
        out.extend_from_slice(PIECES[(next() % 8) as usize]);
    }
    out.push(b'"');
}

/// On well-formed rows (random nested values, strings with every kind
/// of escape and brackets inside them), the row-end scanner finds the
/// row's `]` exactly, fed whole or resumed at every split; and
/// [`may_end_row`] passes it, whatever follows it.
#[test]
fn row_end_finds_the_end_of_well_formed_rows() {
    let mut next = xorshift(0x1234_5678_9abc_def1);
    for _ in 0..3_000 {
        let mut row = b"[".to_vec();
        for k in 0..next() % 6 {
            if k > 0 {
                row.extend_from_slice(b", ");
            }
            value(&mut next, &mut row, 0);
        }
        row.push(b']');
        let want = row.len();
        // What may follow a row's `]`, then more.
        const NEXT: [&[u8]; 5] = [b",[", b" ,\r\n\t{", b"]", b"\n ]", b", ["];
        row.extend_from_slice(NEXT[(next() % 5) as usize]);
        row.extend_from_slice(b"\"]\"]]");
        // A `]` that may end the row is found from anywhere before
        // its `]`, however soon after it the bytes end.
        for cut in want..=row.len() {
            let from = 1 + (next() as usize % (want - 1));
            assert!(may_end_row(&row[..cut], from), "cut at {cut}");
        }
        let fresh = RowScan::at(0);
        // Whole, from after the `[`.
        assert_eq!(row_end(&row, 1, &mut { fresh }), Some(want));
        // Cut at every byte, then resumed.
        for cut in 1..want {
            let mut st = fresh;
            assert_eq!(row_end(&row[..cut], 1, &mut st), None, "cut at {cut}");
            assert_eq!(row_end(&row, 1, &mut st), Some(want), "cut at {cut}");
        }
    }
}

/// [`crate::unchecked::find_byte`] finds the first `]` from every start
/// in slices of every length up to 80, with and without one, as a
/// byte-at-a-time search does.
#[test]
fn find_byte_matches_position() {
    let mut next = xorshift(0x0bad_cafe_1234_5679);
    for len in 0..=80 {
        for _ in 0..40 {
            let c: Vec<u8> = (0..len)
                .map(|_| match next() % 8 {
                    0 => b']',
                    1 => 0xDD,
                    2 => b'}',
                    _ => b'a',
                })
                .collect();
            for i in 0..=len + 1 {
                let want = c
                    .get(i..)
                    .and_then(|s| s.iter().position(|&b| b == b']'))
                    .map(|k| i + k);
                assert_eq!(
                    crate::unchecked::find_byte(&c, i, b']'),
                    want,
                    "{c:?} from {i}"
                );
            }
        }
    }
}

/// The plain-run scanner stops exactly at the first special byte (or
/// the limit) from every start, for every limit, including the
/// overlapping last block before the limit.
#[test]
fn plain_run_is_exact_at_every_start_and_limit() {
    for special in [b'"', b'\\', 0x1F, 0x80, 0xFF] {
        for at in 0..40 {
            let mut s = [b'a'; 40];
            s[at] = special;
            for lim in 0..=40 {
                for i in 0..=lim {
                    let want = (i..lim)
                        .find(|&k| STR_SPECIAL[s[k] as usize])
                        .unwrap_or(lim);
                    assert_eq!(
                        plain_run(&s, i, lim),
                        want,
                        "{special:#x} at {at}, from {i} to {lim}"
                    );
                    assert_eq!(
                        plain_run_words(&s, i, lim),
                        want,
                        "words: {special:#x} at {at}, from {i} to {lim}"
                    );
                }
            }
        }
    }
}

/// The word-at-a-time scanners agree with byte-at-a-time definitions
/// for every byte value at every position of a word.
#[test]
fn word_scanners_match_byte_definitions() {
    for pos in 0..20 {
        for b in 0..=255u8 {
            for lead in [&b"5"[..], b"-1", b"0.", b"1e+"] {
                let mut buf = [b'5'; 24];
                buf[..lead.len()].copy_from_slice(lead);
                let at = (lead.len() + pos).min(21);
                buf[at] = b;
                buf[22] = b',';
                for lim in [24, 22, 13] {
                    assert_eq!(
                        fast_number(&buf, 0, lim),
                        number_ref(&buf, 0, lim),
                        "{:?} lim {lim}",
                        core::str::from_utf8(&buf)
                    );
                }
            }
            let mut s = [b'a'; 24];
            s[pos] = b;
            let stop = if STR_SPECIAL[b as usize] { pos } else { 24 };
            assert!(
                skip_plain(&s, 0, 24).unwrap_or_else(|i| i) <= stop,
                "skip, byte {b:#x} at {pos}"
            );
            assert_eq!(
                fast_string(&s, 0, 24, None).ok().map(|r| r.0),
                if b == b'"' { Some(pos + 1) } else { None },
                "string, byte {b:#x} at {pos}"
            );
        }
    }
}

/// A token as the tests compare it: kind, absolute offset, bytes as sent,
/// unescaped bytes.
type Tok = (TokKind, u64, Vec<u8>, Option<Vec<u8>>);

/// An error as the tests compare it: kind and offset.
type Fault = Option<(ErrorKind, u64)>;

/// Lexes one JSON value given in `parts` (the chunks), as the decoder
/// does: the tokens, and the error (kind, offset) that stopped it, if any.
fn lex_parts(parts: &[&[u8]]) -> (Vec<Tok>, Fault) {
    let mut lx = Lexer::new(64, u64::MAX);
    lx.expect = Expect::Value;
    let mut out = Vec::new();
    for chunk in parts {
        let mut pos = 0;
        loop {
            match lx.next(chunk, &mut pos) {
                Ok(Some(t)) => {
                    let scalar = matches!(
                        t.kind,
                        TokKind::Str
                            | TokKind::Num
                            | TokKind::True
                            | TokKind::False
                            | TokKind::Null
                    );
                    let raw = if scalar {
                        lx.input.bytes(chunk, t.start, t.end).to_vec()
                    } else {
                        Vec::new()
                    };
                    let unesc = t.unesc.map(|(a, b)| lx.unesc[a..b].to_vec());
                    out.push((t.kind, t.abs, raw, unesc));
                }
                Ok(None) => break,
                Err(e) => return (out, Some((e.kind(), e.offset()))),
            }
        }
        lx.end_chunk(chunk, pos);
    }
    let end = lx.at_eof().err().map(|e| (e.kind(), e.offset()));
    (out, end)
}

/// Texts for the token grammar: every escape, surrogate pairs, UTF-8 of
/// each length, numbers of each form, literals, and each fault, with the
/// error and offset that the grammar gives when the text is whole
/// (`None`: valid). The value is `[T, 1]` so that a number ends.
const GRAMMAR_CASES: &[(&str, Fault)] = &[
    (r#"["plain", 1]"#, None),
    (r#"["a\"b\\c\/d\b\f\n\r\t", 1]"#, None),
    (r#"["\u00e9\u20AC\ud83d\ude00x", 1]"#, None),
    ("[\"h\u{e9}\u{20ac}\u{1d11e}\\t\u{5d0}\", 1]", None),
    (r#"[-0.5e+10, 1]"#, None),
    (r#"[123456789012345678901234567890.25E-7, 1]"#, None),
    (r#"[true, false, null, 1]"#, None),
    (r#"[{"k\u0041": [0, -1, 2.0]}, 1]"#, None),
    (r#"["a\x", 1]"#, Some((ErrorKind::InvalidEscape, 4))),
    (r#"["a\u12G4", 1]"#, Some((ErrorKind::InvalidEscape, 7))),
    (r#"["a\udc00", 1]"#, Some((ErrorKind::LoneSurrogate, 8))),
    (r#"["a\ud800", 1]"#, Some((ErrorKind::LoneSurrogate, 9))),
    (r#"["a\ud800\n", 1]"#, Some((ErrorKind::LoneSurrogate, 10))),
    (
        r#"["a\ud800\u0041", 1]"#,
        Some((ErrorKind::LoneSurrogate, 14)),
    ),
    (r#"["a\ud800\uZ", 1]"#, Some((ErrorKind::InvalidEscape, 11))),
    ("[\"a\u{1}\", 1]", Some((ErrorKind::ControlCharacter, 3))),
    ("[\"a\u{e9}", Some((ErrorKind::UnexpectedEof, 0))),
    (r#"[01, 1]"#, Some((ErrorKind::LeadingZero, 2))),
    (r#"[-a, 1]"#, Some((ErrorKind::InvalidNumber, 2))),
    (r#"[1., 1]"#, Some((ErrorKind::InvalidNumber, 3))),
    (r#"[1e+, 1]"#, Some((ErrorKind::InvalidNumber, 4))),
    (r#"[1.5ex, 1]"#, Some((ErrorKind::InvalidNumber, 5))),
    (r#"[trux, 1]"#, Some((ErrorKind::Syntax, 4))),
    (r#"[nul"#, Some((ErrorKind::UnexpectedEof, 0))),
];

/// The token grammar gives the expected result on whole texts, and the
/// same tokens, unescaped bytes, error and offset however chunks cut them:
/// at every pair of cut points (so a cut may fall inside an escape, a
/// surrogate pair or a UTF-8 character, and a chunk may be one byte).
#[test]
fn token_grammar_is_the_same_at_every_pair_of_cuts() {
    let mut bad_utf8 = Vec::from(&b"[\"ab"[..]);
    bad_utf8.extend_from_slice(&[0xE0, 0x80, b'"', b']']);
    let mut texts: Vec<(Vec<u8>, Fault)> = GRAMMAR_CASES
        .iter()
        .map(|&(t, e)| (t.as_bytes().to_vec(), e))
        .collect();
    texts.push((bad_utf8, Some((ErrorKind::InvalidUtf8, 5))));
    for (text, want) in &texts {
        let (toks, err) = lex_parts(&[text]);
        // An error at the end of input is reported at the end's offset.
        let want = want.map(|(k, o)| {
            if k == ErrorKind::UnexpectedEof {
                (k, text.len() as u64)
            } else {
                (k, o)
            }
        });
        assert_eq!(
            err,
            want,
            "{:?}",
            alloc::string::String::from_utf8_lossy(text)
        );
        if want.is_none() {
            assert!(toks
                .iter()
                .all(|t| t.0 != TokKind::Str || t.3.is_some() == t.2.contains(&b'\\')));
        }
        for i in 0..=text.len() {
            for j in i..=text.len() {
                let parts = [&text[..i], &text[i..j], &text[j..]];
                assert_eq!(
                    lex_parts(&parts),
                    (toks.clone(), err),
                    "{:?} cut at {i} and {j}",
                    alloc::string::String::from_utf8_lossy(text)
                );
            }
        }
    }
}

/// The nested-cell kernel ([`fast_nested`], recursive descent) agrees with
/// the lexer's grammar: on random well-formed values it finds each one's
/// end, and on their mutants (a byte replaced, or the value cut) whatever
/// it accepts the lexer accepts, ending at the same byte.
#[test]
fn nested_kernel_accepts_only_what_the_grammar_accepts() {
    const BYTES: &[u8] = b"{}[]\",:-0123e.tfn \\u\x01\xc3\xa9";
    let mut next = xorshift(0x0bad_cafe_f00d_d00d);
    let mut accepted = 0;
    for _ in 0..20_000 {
        let mut v = Vec::new();
        while !matches!(v.first(), Some(b'{' | b'[')) {
            v.clear();
            value(&mut next, &mut v, 0);
        }
        let len = v.len();
        assert_eq!(fast_nested(&v, 0, len, 64), Some(len));
        assert_eq!(lex_parts(&[&v]).1, None);
        let at = next() as usize % len;
        if next() % 4 == 0 {
            v.truncate(at);
        } else {
            v[at] = BYTES[next() as usize % BYTES.len()];
        }
        // Its callers call it at a `{` or `[`.
        if !matches!(v.first(), Some(b'{' | b'[')) {
            continue;
        }
        if let Some(q) = fast_nested(&v, 0, v.len(), 64) {
            accepted += 1;
            assert_eq!(
                lex_parts(&[&v[..q]]).1,
                None,
                "{:?} accepted to {q}",
                alloc::string::String::from_utf8_lossy(&v)
            );
        }
    }
    // Some mutants stay well-formed (a digit for a digit, a cut after the
    // value's end is impossible, ...): the check above did run.
    assert!(accepted > 1_000, "{accepted}");
}
