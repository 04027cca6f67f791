//! The pacer's pattern notation (property tests): valid notations round
//! trip, phase notation parses to its lengths, and garbage, too many parts
//! or out-of-range values are errors, never panics.

use breathband::pacer::{Cycle, Lengthen, Pattern, Phase};
use proptest::prelude::*;

fn seconds(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    // Tenths, hundredths and arbitrary values alike.
    prop_oneof![
        (lo * 10.0..=hi * 10.0).prop_map(|v: f64| v.round() / 10.0),
        lo..=hi,
    ]
    .prop_filter("in range", move |v| (lo..=hi).contains(v))
}

fn hold() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), seconds(0.0, 60.0)]
}

fn valid_pattern() -> impl Strategy<Value = Pattern> {
    prop_oneof![
        seconds(1.0, 30.0).prop_map(Pattern::Rate),
        (seconds(0.5, 60.0), hold(), seconds(0.5, 60.0), hold()).prop_map(|(i, h, o, h2)| {
            Pattern::Phases(Cycle {
                inhale_s: i,
                hold_in_s: h,
                exhale_s: o,
                hold_out_s: h2,
            })
        }),
        (seconds(1.0, 30.0), seconds(1.0, 30.0), seconds(0.0, 120.0)).prop_map(|(a, b, m)| {
            Pattern::Lengthen(Lengthen {
                from_bpm: a.max(b),
                to_bpm: a.min(b),
                ramp_min: m,
            })
        }),
    ]
}

proptest! {
    #[test]
    fn valid_notations_round_trip(p in valid_pattern()) {
        let text = p.to_string();
        prop_assert_eq!(Pattern::parse(&text), Ok(p), "{}", text);
    }

    #[test]
    fn phase_notation_parses_to_its_lengths(i in 5u32..600, h in 0u32..600, o in 5u32..600) {
        let (i, h, o) = (f64::from(i) / 10.0, f64::from(h) / 10.0, f64::from(o) / 10.0);
        let text = format!("{i}-{h}-{o}");
        let p = Pattern::parse(&text).unwrap();
        let st = p.state_at(i + h * 0.5);
        prop_assert_eq!(p.cycle(0).1.len_s(), i + h + o);
        prop_assert_eq!(st.phase, if h > 0.0 { Phase::HoldIn } else { Phase::Exhale });
    }

    #[test]
    fn garbage_in_a_part_is_an_error(
        good in proptest::collection::vec(1u32..100, 1..4),
        at in 0usize..4,
        bad in "[a-z]{1,3}|-|[0-9]+\\.[0-9]+\\.[0-9]+|",
    ) {
        let mut parts: Vec<String> = good.iter().map(|v| v.to_string()).collect();
        let at = at.min(parts.len());
        parts.insert(at, bad.clone());
        let text = parts.join("-");
        prop_assert!(Pattern::parse(&text).is_err(), "{} parsed", text);
    }

    #[test]
    fn too_many_parts_or_out_of_range_is_an_error(n in 5usize..9, big in 60.01f64..1e6) {
        let text = vec!["4"; n].join("-");
        prop_assert!(Pattern::parse(&text).is_err());
        let long_phase = format!("4-{big}");
        let fast_rate = (big.min(1e3) + 30.01).to_string();
        prop_assert!(Pattern::parse(&long_phase).is_err());
        prop_assert!(Pattern::parse(&fast_rate).is_err());
    }

    #[test]
    fn parsing_never_panics(s in "\\PC{0,24}") {
        let _ = Pattern::parse(&s);
    }
}
