//! Property tests of the codec: every frame round-trips in any chunking, and
//! random, truncated or corrupted bytes never panic and never stop the
//! decoder from finding the next good frame.
//!
//! Cases default to 100 000 for every property (PROPTEST_CASES overrides); a
//! longer run:
//! `PROPTEST_CASES=1000000 cargo test --release -p breathband-protocol --test proptests`.

use breathband_protocol::{
    encode_frame, ChannelInfo, Decoder, Frame, Heartbeat, Info, Label, Message, NackCode,
    SampleFlags, Samples, MAX_FRAME, MAX_PAIRS,
};
use proptest::prelude::*;

fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn label<const N: usize>() -> impl Strategy<Value = Label<N>> {
    proptest::string::string_regex(&format!("[ -~]{{0,{N}}}"))
        .unwrap()
        .prop_map(|s| Label::new(&s).unwrap())
}

fn channel() -> impl Strategy<Value = ChannelInfo> {
    (
        label::<16>(),
        label::<8>(),
        any::<f32>(),
        any::<f32>(),
        any::<u16>(),
    )
        .prop_map(|(name, unit, scale, offset, full_scale)| ChannelInfo {
            name,
            unit,
            // NaN != NaN would fail equality, not the codec: keep numbers.
            scale: if scale.is_nan() { 0.0 } else { scale },
            offset: if offset.is_nan() { 0.0 } else { offset },
            full_scale,
        })
}

fn message() -> impl Strategy<Value = Message> {
    prop_oneof![
        (
            any::<u8>(),
            any::<[u8; 3]>(),
            any::<u16>(),
            any::<u8>(),
            any::<[u8; 8]>(),
            channel(),
            channel()
        )
            .prop_map(|(v, fw, rate, status, id, c0, c1)| Message::Info(Info {
                protocol_version: v,
                firmware_version: fw,
                sample_rate_hz: rate,
                status,
                device_id: id,
                channels: [c0, c1],
            })),
        (
            any::<u32>(),
            any::<u8>(),
            prop::collection::vec(any::<[u16; 2]>(), 1..=MAX_PAIRS)
        )
            .prop_map(|(i, f, p)| Message::Samples(Samples::new(i, SampleFlags(f), &p).unwrap())),
        (any::<u32>(), any::<u32>(), any::<u8>(), any::<u16>()).prop_map(|(u, n, s, o)| {
            Message::Heartbeat(Heartbeat {
                uptime_ms: u,
                next_index: n,
                status: s,
                overruns: o,
            })
        }),
        any::<u8>().prop_map(|command| Message::Ack { command }),
        (any::<u8>(), any::<u8>()).prop_map(|(command, c)| Message::Nack {
            command,
            code: NackCode::from_u8(c)
        }),
        Just(Message::GetInfo),
        Just(Message::Start),
        Just(Message::Stop),
        any::<u16>().prop_map(|rate_hz| Message::SetRate { rate_hz }),
        any::<u32>().prop_map(|nonce| Message::Ping { nonce }),
    ]
}

fn encode(seq: u8, m: &Message) -> Vec<u8> {
    let mut out = [0u8; MAX_FRAME];
    let n = encode_frame(seq, m, &mut out).unwrap();
    out[..n].to_vec()
}

fn decode_all(dec: &mut Decoder, bytes: &[u8], chunk: usize) -> Vec<Frame> {
    let mut got = Vec::new();
    for c in bytes.chunks(chunk.max(1)) {
        dec.push(c, |r| {
            if let Ok(f) = r {
                got.push(f)
            }
        });
    }
    got
}

proptest! {
    #![proptest_config(cases(100_000))]

    #[test]
    fn any_frame_round_trips_in_any_chunking(
        msgs in prop::collection::vec((any::<u8>(), message()), 1..6),
        chunk in 1usize..300,
    ) {
        let wire: Vec<u8> = msgs.iter().flat_map(|(s, m)| encode(*s, m)).collect();
        for (_, m) in &msgs {
            let one = encode(0, m);
            prop_assert!(one.len() <= MAX_FRAME);
            prop_assert!(!one[..one.len() - 1].contains(&0));
        }
        let mut dec = Decoder::new();
        let got = decode_all(&mut dec, &wire, chunk);
        let want: Vec<Frame> = msgs.iter().map(|(seq, m)| Frame { seq: *seq, message: *m }).collect();
        prop_assert_eq!(got, want);
        prop_assert_eq!(dec.stats().bytes_dropped, 0);
    }
}

proptest! {
    #![proptest_config(cases(100_000))]

    #[test]
    fn random_bytes_never_panic_and_the_next_frame_still_decodes(
        junk in prop::collection::vec(any::<u8>(), 0..700),
        chunk in 1usize..64,
        m in message(),
    ) {
        let mut wire = junk.clone();
        // A delimiter ends whatever the junk left half-done, then a good frame.
        wire.push(0);
        let good = encode(42, &m);
        wire.extend_from_slice(&good);
        let mut dec = Decoder::new();
        let got = decode_all(&mut dec, &wire, chunk);
        prop_assert_eq!(got.last(), Some(&Frame { seq: 42, message: m }));
        let s = dec.stats();
        // Every byte is either in a good frame or counted as dropped
        // (empty frames, i.e. lone delimiters, are padding and count as neither).
        let good_bytes: usize = got.iter().map(|f| encode(f.seq, &f.message).len()).sum();
        prop_assert!(s.bytes_dropped as usize + good_bytes <= wire.len());
        prop_assert!(s.frames as usize == got.len());
    }

    #[test]
    fn truncated_or_corrupted_frames_are_dropped_and_counted(
        m in message(),
        cut in any::<prop::sample::Index>(),
        flip in any::<prop::sample::Index>(),
        bit in 0u8..8,
        truncate in any::<bool>(),
    ) {
        let good = encode(1, &m);
        let body = good.len() - 1; // without the delimiter
        let mut bad = good[..body].to_vec();
        if truncate {
            bad.truncate(cut.index(body));
        } else {
            let k = flip.index(body);
            bad[k] ^= 1 << bit;
            if bad[k] == 0 { bad[k] = 0xA5; }
        }
        let mut wire = bad.clone();
        wire.push(0);
        wire.extend_from_slice(&encode(2, &Message::Start));
        let mut dec = Decoder::new();
        let got = decode_all(&mut dec, &wire, 7);
        // The decoder always recovers for the next frame. The damaged frame
        // is dropped and counted, except in the rare case where the damage
        // keeps COBS valid and collides with the CRC-16 (chance 2^-16 for a
        // multi-byte change; a single flipped payload bit is always caught).
        prop_assert_eq!(got.last().map(|f| f.message), Some(Message::Start));
        prop_assert!(got.len() <= 2);
        if got.len() == 1 && !bad.is_empty() {
            prop_assert_eq!(dec.stats().bytes_dropped as usize, bad.len() + 1);
        }
    }
}
