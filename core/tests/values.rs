//! Property tests for the typed values: round trips over the full ranges,
//! and no panic on arbitrary input.

use kusto_frames::value::{
    convert, DateTime, Decimal, Dynamic, Guid, ScalarType, TimeSpan, Value, ValueErrorKind,
};
use kusto_frames::{Cell, CellKind};
use proptest::prelude::*;

fn num(raw: &str) -> Cell<'_> {
    Cell::new(CellKind::Number, raw, raw)
}

/// A string cell; the raw form is only used by `dynamic` and unknown columns,
/// which these tests do not compare.
fn st(text: &str) -> Cell<'_> {
    Cell::new(CellKind::String, text, text)
}

const ALL: [ScalarType; 11] = ScalarType::ALL;

/// Exercises every parser on `s`; only checks that nothing panics and that
/// the results are self-consistent.
fn poke(s: &str) {
    if let Some(dt) = DateTime::parse(s) {
        assert!(dt >= DateTime::MIN && dt <= DateTime::MAX);
        assert_eq!(DateTime::parse(&dt.to_string()), Some(dt));
    }
    if let Some(ts) = TimeSpan::parse(s) {
        assert_eq!(TimeSpan::parse(&ts.to_string()), Some(ts));
    }
    if let Some(g) = Guid::parse(s) {
        assert_eq!(g.to_string(), s.to_ascii_lowercase());
    }
    if let Some(d) = Decimal::parse(s) {
        let _ = d.to_scaled();
        let _ = d.to_f64();
    }
    let _ = Dynamic::new(st(s)).embedded_json();
    for ty in ALL {
        let _ = convert(ty, st(s));
        let _ = convert(ty, num(s));
        if let Err(e) = convert(ty, st(s)) {
            assert!(!e.to_string().is_empty());
        }
    }
}

/// Formats `mantissa / 10^scale` with a decimal point.
fn scaled_text(mantissa: i128, scale: u32) -> String {
    let digits = mantissa.unsigned_abs().to_string();
    let sign = if mantissa < 0 { "-" } else { "" };
    let scale = scale as usize;
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    format!("{sign}{int}.{frac}")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn datetime_round_trips(ticks in DateTime::MIN.ticks()..=DateTime::MAX.ticks()) {
        let dt = DateTime::from_ticks(ticks);
        let text = dt.to_string();
        prop_assert_eq!(text.len(), 28);
        prop_assert_eq!(DateTime::parse(&text), Some(dt));
        prop_assert_eq!(DateTime::from_parts(dt.to_parts()), Some(dt));
        // The other accepted spellings of the same instant.
        let spaced = text.replacen('T', " ", 1);
        prop_assert_eq!(DateTime::parse(&spaced), Some(dt));
        let no_z = text.trim_end_matches('Z');
        prop_assert_eq!(DateTime::parse(no_z), Some(dt));
        let extra_zeros = format!("{no_z}000Z");
        prop_assert_eq!(DateTime::parse(&extra_zeros), Some(dt));
        prop_assert_eq!(convert(ScalarType::DateTime, st(&text)), Ok(Value::DateTime(dt)));
    }

    #[test]
    fn datetime_order_matches_text_order(a in DateTime::MIN.ticks()..=DateTime::MAX.ticks(),
                                         b in DateTime::MIN.ticks()..=DateTime::MAX.ticks()) {
        let (x, y) = (DateTime::from_ticks(a), DateTime::from_ticks(b));
        prop_assert_eq!(x.cmp(&y), x.to_string().cmp(&y.to_string()));
    }

    #[test]
    fn datetime_any_ticks_display_without_panic(ticks in any::<i64>()) {
        let dt = DateTime::from_ticks(ticks);
        let text = dt.to_string();
        let in_range = (DateTime::MIN.ticks()..=DateTime::MAX.ticks()).contains(&ticks);
        prop_assert_eq!(DateTime::parse(&text).is_some(), in_range);
    }

    #[test]
    fn timespan_round_trips(ticks in any::<i64>()) {
        let ts = TimeSpan::from_ticks(ticks);
        let text = ts.to_string();
        prop_assert_eq!(TimeSpan::parse(&text), Some(ts));
        let plain = ticks.to_string();
        prop_assert_eq!(TimeSpan::parse(&plain), Some(ts));
        prop_assert_eq!(convert(ScalarType::TimeSpan, st(&text)), Ok(Value::TimeSpan(ts)));
        prop_assert_eq!(convert(ScalarType::TimeSpan, num(&plain)), Ok(Value::TimeSpan(ts)));
    }

    #[test]
    fn timespan_small_round_trips(ticks in -10_000_000_000_000i64..10_000_000_000_000) {
        let ts = TimeSpan::from_ticks(ticks);
        prop_assert_eq!(TimeSpan::parse(&ts.to_string()), Some(ts));
    }

    #[test]
    fn guid_round_trips(bytes in any::<[u8; 16]>()) {
        let g = Guid::from_bytes(bytes);
        let text = g.to_string();
        prop_assert_eq!(text.len(), 36);
        prop_assert_eq!(&text, &text.to_ascii_lowercase());
        prop_assert_eq!(Guid::parse(&text), Some(g));
        prop_assert_eq!(Guid::parse(&text.to_ascii_uppercase()), Some(g));
        prop_assert_eq!(g.as_bytes(), &bytes);
        prop_assert_eq!(convert(ScalarType::Guid, st(&text)), Ok(Value::Guid(g)));
    }

    #[test]
    fn long_round_trips(v in any::<i64>()) {
        let text = v.to_string();
        prop_assert_eq!(convert(ScalarType::Long, num(&text)), Ok(Value::Long(v)));
        prop_assert_eq!(convert(ScalarType::Long, st(&text)), Ok(Value::Long(v)));
        let int = convert(ScalarType::Int, num(&text));
        match i32::try_from(v) {
            Ok(i) => prop_assert_eq!(int, Ok(Value::Int(i))),
            Err(_) => prop_assert_eq!(int.map_err(|e| e.kind()), Err(ValueErrorKind::OutOfRange)),
        }
    }

    #[test]
    fn long_beyond_range_is_out_of_range(v in any::<i128>()) {
        let text = v.to_string();
        let got = convert(ScalarType::Long, num(&text));
        match i64::try_from(v) {
            Ok(l) => prop_assert_eq!(got, Ok(Value::Long(l))),
            Err(_) => prop_assert_eq!(got.map_err(|e| e.kind()), Err(ValueErrorKind::OutOfRange)),
        }
    }

    #[test]
    fn int_round_trips(v in any::<i32>()) {
        let text = v.to_string();
        prop_assert_eq!(convert(ScalarType::Int, num(&text)), Ok(Value::Int(v)));
        prop_assert_eq!(convert(ScalarType::Int, st(&text)), Ok(Value::Int(v)));
    }

    #[test]
    fn real_round_trips_bit_exact(bits in any::<u64>()) {
        let v = f64::from_bits(bits);
        prop_assume!(v.is_finite());
        for text in [format!("{v}"), format!("{v:?}"), format!("{v:e}"), format!("{v:E}")] {
            match convert(ScalarType::Real, num(&text)) {
                Ok(Value::Real(got)) => prop_assert_eq!(got.to_bits(), bits, "{}", text),
                other => prop_assert!(false, "{} gave {:?}", text, other),
            }
            match convert(ScalarType::Real, st(&text)) {
                Ok(Value::Real(got)) => prop_assert_eq!(got.to_bits(), bits, "{}", text),
                other => prop_assert!(false, "{} gave {:?}", text, other),
            }
        }
    }

    #[test]
    fn real_round_trips_normal_values(v in any::<f64>()) {
        prop_assume!(v.is_finite());
        let text = format!("{v:?}");
        match convert(ScalarType::Real, num(&text)) {
            Ok(Value::Real(got)) => prop_assert_eq!(got.to_bits(), v.to_bits()),
            other => prop_assert!(false, "{} gave {:?}", text, other),
        }
    }

    #[test]
    fn decimal_scaled_round_trips(mantissa in any::<i128>(), scale in 0u32..=38) {
        let text = scaled_text(mantissa, scale);
        let d = Decimal::parse(&text);
        prop_assert!(d.is_some(), "{}", text);
        prop_assert_eq!(d.and_then(|d| d.to_scaled()), Some((mantissa, scale)), "{}", text);
        // The same value in exponent form.
        let exp = format!("{mantissa}e-{scale}");
        prop_assert_eq!(Decimal::parse(&exp).and_then(|d| d.to_scaled()), Some((mantissa, scale)), "{}", exp);
        match convert(ScalarType::Decimal, st(&text)) {
            Ok(Value::Decimal(d)) => {
                prop_assert_eq!(d.text(), text.as_str());
                prop_assert_eq!(d.to_scaled(), Some((mantissa, scale)));
            }
            other => prop_assert!(false, "{} gave {:?}", text, other),
        }
    }

    #[test]
    fn decimal_scaled_with_exponent(mantissa in any::<i64>(), scale in 0u32..=18, exp in -20i32..=40) {
        // (mantissa / 10^scale) * 10^exp
        let text = format!("{}e{}", scaled_text(i128::from(mantissa), scale), exp);
        let got = Decimal::parse(&text).and_then(|d| d.to_scaled());
        let net = i64::from(scale) - i64::from(exp);
        let want = if net >= 0 {
            // The written digits, at the written scale (at most 38 here).
            Some((i128::from(mantissa), u32::try_from(net).unwrap_or(u32::MAX)))
        } else {
            let pow = 10i128.checked_pow(u32::try_from(-net).unwrap_or(u32::MAX));
            pow.and_then(|p| i128::from(mantissa).checked_mul(p)).map(|m| (m, 0))
        };
        prop_assert_eq!(got, want, "{}", text);
    }

    #[test]
    fn never_panics_on_arbitrary_strings(s in any::<String>()) {
        poke(&s);
    }

    #[test]
    fn never_panics_on_datetime_like(s in "[0-9]{0,5}(-[0-9]{0,3}){0,2}[T t]?[0-9:]{0,9}(\\.[0-9]{0,12})?[Zz]?") {
        poke(&s);
    }

    #[test]
    fn never_panics_on_timespan_like(s in "-?[0-9]{0,22}\\.?[0-9:]{0,10}(\\.[0-9]{0,9})?") {
        poke(&s);
    }

    #[test]
    fn never_panics_on_guid_like(s in "[0-9a-fA-FgG-]{30,40}") {
        poke(&s);
    }

    #[test]
    fn never_panics_on_number_like(s in "[-+]?[0-9]{0,45}\\.?[0-9]{0,45}([eE][-+]?[0-9]{0,25})?") {
        poke(&s);
    }

    #[test]
    fn decimal_scaled_is_exact(s in "[-+]?0{0,3}[0-9]{0,30}(\\.[0-9]{0,30})?([eE][-+]?[0-9]{1,2})?") {
        // When a value comes back, it is the same number: both texts round
        // to the same f64 (a cheap exactness check).
        if let Some(d) = Decimal::parse(&s) {
            if let Some((m, scale)) = d.to_scaled() {
                prop_assert!(scale <= 38);
                let back: f64 = scaled_text(m, scale).parse().unwrap_or(f64::NAN);
                prop_assert_eq!(back, d.to_f64(), "{} -> ({}, {})", s, m, scale);
            }
        }
    }

    #[test]
    fn json_validator_matches_serde_json(s in "[\\[\\]{}\",:0-9eE.+\\- \\\\ntrufalsu]{0,24}") {
        let ours = Dynamic::new(st(&s)).embedded_json().is_some();
        if let Some(theirs) = serde_verdict(&s) {
            prop_assert_eq!(ours, theirs, "{:?}", s);
        }
    }

    #[test]
    fn json_validator_accepts_generated_documents(doc in json_document()) {
        prop_assert!(serde_json::from_str::<serde_json::Value>(&doc).is_ok(), "{}", doc);
        prop_assert_eq!(Dynamic::new(st(&doc)).embedded_json(), Some(doc.as_str()));
    }

    #[test]
    fn json_validator_never_panics_on_mutations(doc in json_document(), cut in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut bytes = doc.into_bytes();
        if !bytes.is_empty() {
            let i = cut.index(bytes.len());
            bytes[i] = byte & 0x7f;
            bytes.truncate(bytes.len() - i / 2);
        }
        let s = String::from_utf8(bytes).unwrap_or_default();
        let ours = Dynamic::new(st(&s)).embedded_json().is_some();
        if let Some(theirs) = serde_verdict(&s) {
            prop_assert_eq!(ours, theirs, "{:?}", s);
        }
    }
}

/// Whether serde_json accepts `s` as a JSON document, or `None` where it
/// rejects grammatical JSON that it cannot represent as a `Value` (lone
/// surrogate escapes, numbers beyond `f64`).
fn serde_verdict(s: &str) -> Option<bool> {
    match serde_json::from_str::<serde_json::Value>(s) {
        Ok(_) => Some(true),
        Err(e) => {
            let msg = e.to_string();
            let unrepresentable = [
                "surrogate",
                "hex escape",
                "number out of range",
                "recursion limit",
            ];
            if unrepresentable.iter().any(|m| msg.contains(m)) {
                None
            } else {
                Some(false)
            }
        }
    }
}

/// JSON documents with whitespace, escapes and nesting (depth well below the
/// validator's limit).
fn json_document() -> impl Strategy<Value = String> {
    let ws = prop::sample::select(vec!["", " ", "\n", "\t", "\r\n  "]);
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("false".to_string()),
        any::<i64>().prop_map(|v| v.to_string()),
        any::<f64>()
            .prop_filter("finite", |v| v.is_finite())
            .prop_map(|v| format!("{v:e}")),
        any::<String>().prop_map(|s| serde_json::to_string(&s).unwrap_or_default()),
        Just("\"\\u00e9\\/\\b\\f\\ud83d\\ude00\"".to_string()),
    ];
    let value = leaf.prop_recursive(8, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6)
                .prop_map(|items| format!("[{}]", items.join(" , "))),
            prop::collection::vec((any::<String>(), inner), 0..6).prop_map(|entries| {
                let fields: Vec<String> = entries
                    .into_iter()
                    .map(|(k, v)| format!("{}:{v}", serde_json::to_string(&k).unwrap_or_default()))
                    .collect();
                format!("{{{}}}", fields.join(","))
            }),
        ]
    });
    (ws.clone(), value, ws).prop_map(|(a, v, b)| format!("{a}{v}{b}"))
}

proptest! {
    /// JSON number text with few digits and small exponents (the fast path)
    /// and around its edges converts exactly as `f64::from_str` does.
    #[test]
    fn real_number_text_matches_std(
        neg in any::<bool>(),
        int in 0u64..10_000_000_000_000_000,
        frac in prop::option::of(0u32..1_000_000),
        exp in prop::option::of(-30i32..30),
    ) {
        let mut s = String::new();
        if neg {
            s.push('-');
        }
        s.push_str(&int.to_string());
        if let Some(f) = frac {
            s.push('.');
            s.push_str(&f.to_string());
        }
        if let Some(e) = exp {
            s.push('e');
            s.push_str(&e.to_string());
        }
        let want: f64 = s.parse().unwrap();
        match convert(ScalarType::Real, Cell::new(CellKind::Number, &s, &s)) {
            Ok(Value::Real(got)) => prop_assert_eq!(got.to_bits(), want.to_bits(), "{}", s),
            Err(e) => prop_assert!(want.is_infinite(), "{} -> {:?}", s, e),
            other => prop_assert!(false, "{} -> {:?}", s, other),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Mantissas of up to 20 digits with exponents across the whole range
    /// (Eisel-Lemire, subnormals, overflow, and the fallback beyond 19
    /// digits) convert exactly as `f64::from_str` does.
    #[test]
    fn real_long_mantissas_match_std(
        neg in any::<bool>(),
        m in any::<u64>(),
        digits in 1u32..=20,
        point in 0usize..=21,
        exp in -360i32..=330,
    ) {
        let mut s = String::new();
        if neg {
            s.push('-');
        }
        let mut text = if digits == 20 { format!("{m}{}", m % 10) } else { (m % 10u64.pow(digits)).to_string() };
        if point < text.len() {
            text.insert(point, '.');
        }
        s.push_str(&text);
        s.push_str(&format!("e{exp}"));
        let want: f64 = s.parse().unwrap();
        for cell in [num(&s), st(&s)] {
            match convert(ScalarType::Real, cell) {
                Ok(Value::Real(got)) => prop_assert_eq!(got.to_bits(), want.to_bits(), "{}", s),
                Err(e) => prop_assert!(want.is_infinite() && e.kind() == ValueErrorKind::OutOfRange, "{} -> {:?}", s, e),
                other => prop_assert!(false, "{} -> {:?}", s, other),
            }
        }
    }
}
