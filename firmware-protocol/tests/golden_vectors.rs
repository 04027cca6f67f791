//! Golden vectors shared with the firmware's C++ test (`vectors/frames.tsv`).
//!
//! Each line is `name<TAB>fields<TAB>hex`. The fields are parsed here
//! independently of the codec, so a codec change that alters the wire bytes
//! fails. Regenerate after a deliberate format change with
//! `BREATHBAND_BLESS=1 cargo test -p breathband-protocol --test golden_vectors`.

use breathband_protocol::{
    encode_frame, ChannelInfo, DecodeError, Decoder, Frame, Heartbeat, Info, Label, Message,
    NackCode, SampleFlags, Samples, MAX_FRAME,
};
use std::collections::HashMap;
use std::fmt::Write as _;

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/frames.tsv");

fn channel(name: &str, unit: &str, scale: f32, offset: f32, full_scale: u16) -> ChannelInfo {
    ChannelInfo {
        name: Label::new(name).unwrap(),
        unit: Label::new(unit).unwrap(),
        scale,
        offset,
        full_scale,
    }
}

/// The canonical valid frames, in file order.
fn canonical() -> Vec<(&'static str, Frame)> {
    let info = |rate, status, id, c0, c1| {
        Message::Info(Info {
            protocol_version: 1,
            firmware_version: [1, 0, 0],
            sample_rate_hz: rate,
            status,
            device_id: id,
            channels: [c0, c1],
        })
    };
    let f = |seq, message| Frame { seq, message };
    let samples = |first, flags, pairs: &[[u16; 2]]| {
        Message::Samples(Samples::new(first, SampleFlags(flags), pairs).unwrap())
    };
    let ramp: Vec<[u16; 2]> = (0..60).map(|i| [i * 1000, 65535 - i * 7]).collect();
    vec![
        (
            "info_arduino_uno",
            f(
                0,
                info(
                    100,
                    0,
                    [0; 8],
                    channel("chest", "raw", 1.0, 0.0, 1023),
                    channel("belly", "raw", 1.0, 0.0, 1023),
                ),
            ),
        ),
        (
            "info_scaled_units",
            f(
                9,
                info(
                    1000,
                    1,
                    [0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x03],
                    channel("chest", "mV", 3300.0 / 4096.0, -1650.0, 4095),
                    channel("belly", "mV", 3300.0 / 4096.0, -1650.0, 4095),
                ),
            ),
        ),
        ("samples_one_pair", f(1, samples(0, 0, &[[512, 498]]))),
        (
            "samples_ten_pairs",
            f(
                2,
                samples(
                    1000,
                    0,
                    &[
                        [510, 490],
                        [511, 492],
                        [513, 495],
                        [516, 499],
                        [520, 504],
                        [525, 510],
                        [531, 517],
                        [538, 525],
                        [546, 534],
                        [555, 544],
                    ],
                ),
            ),
        ),
        (
            "samples_zero_bytes_and_flags",
            f(
                0,
                samples(0x0001_0000, 0x1f, &[[0, 0], [0, 1023], [256, 0]]),
            ),
        ),
        (
            "samples_max_pairs_wrap_index",
            f(255, samples(u32::MAX - 10, 0x04, &ramp)),
        ),
        (
            "heartbeat",
            f(
                3,
                Message::Heartbeat(Heartbeat {
                    uptime_ms: 123_456,
                    next_index: 12_345,
                    status: 1,
                    overruns: 0,
                }),
            ),
        ),
        ("ack_start", f(7, Message::Ack { command: 0x82 })),
        (
            "nack_setrate_bad_argument",
            f(
                4,
                Message::Nack {
                    command: 0x84,
                    code: NackCode::BadArgument,
                },
            ),
        ),
        ("cmd_getinfo", f(1, Message::GetInfo)),
        ("cmd_start", f(2, Message::Start)),
        ("cmd_stop", f(3, Message::Stop)),
        ("cmd_setrate_250", f(4, Message::SetRate { rate_hz: 250 })),
        ("cmd_ping", f(5, Message::Ping { nonce: 0xDEAD_BEEF })),
    ]
}

/// Frames a receiver must reject, with the error kind it must report.
fn rejects() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let mut good = [0u8; MAX_FRAME];
    let n = encode_frame(7, &Message::Ack { command: 0x82 }, &mut good).unwrap();
    let mut bad_crc = good[..n].to_vec();
    bad_crc[3] ^= 0x01; // flip a bit of the command byte
                        // COBS code byte 0x09 announces 8 data bytes, but only 3 follow.
    let bad_cobs = vec![0x09, 0x04, 0x07, 0x00];
    // Type 0x42 with a valid CRC.
    let unknown = frame_from_payload(&[0x42, 0x01]);
    // Ack with a missing command byte.
    let short_ack = frame_from_payload(&[0x04, 0x01]);
    // Samples claiming 2 pairs but carrying 1.
    let short_samples = frame_from_payload(&[0x02, 0x01, 0, 0, 0, 0, 0, 2, 1, 0, 2, 0]);
    let mut overlong = vec![0x01; 300];
    overlong.push(0);
    vec![
        ("reject_bad_crc", "crc", bad_crc),
        ("reject_bad_cobs", "cobs", bad_cobs),
        ("reject_unknown_type", "unknown_type", unknown),
        ("reject_ack_too_short", "bad_body", short_ack),
        ("reject_samples_count_mismatch", "bad_body", short_samples),
        ("reject_overlong", "overlong", overlong),
    ]
}

fn frame_from_payload(data: &[u8]) -> Vec<u8> {
    let mut p = data.to_vec();
    p.extend_from_slice(&breathband_protocol::crc16(data).to_le_bytes());
    let mut out = vec![0u8; cobs::max_encoding_length(p.len()) + 1];
    let n = cobs::encode(&p, &mut out);
    out.truncate(n);
    out.push(0);
    out
}

fn error_kind(e: &DecodeError) -> &'static str {
    match e {
        DecodeError::Cobs { .. } => "cobs",
        DecodeError::Crc { .. } => "crc",
        DecodeError::UnknownType { .. } => "unknown_type",
        DecodeError::BadBody { .. } => "bad_body",
        DecodeError::Overlong { .. } => "overlong",
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().fold(String::new(), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    })
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// The `fields` column for a frame (the format the C++ test parses too).
fn fields(fr: &Frame) -> String {
    let s = fr.seq;
    match &fr.message {
        Message::Info(i) => {
            let ch = |c: &ChannelInfo| {
                format!(
                    "{}/{}/{}/{}/{}",
                    c.name.as_str(),
                    c.unit.as_str(),
                    c.scale,
                    c.offset,
                    c.full_scale
                )
            };
            let fw = i.firmware_version;
            format!(
                "type=info;seq={s};proto={};fw={}.{}.{};rate={};status={};id={};ch0={};ch1={}",
                i.protocol_version,
                fw[0],
                fw[1],
                fw[2],
                i.sample_rate_hz,
                i.status,
                hex(&i.device_id),
                ch(&i.channels[0]),
                ch(&i.channels[1])
            )
        }
        Message::Samples(x) => {
            let pairs: Vec<String> = x
                .pairs()
                .iter()
                .map(|p| format!("{}:{}", p[0], p[1]))
                .collect();
            format!(
                "type=samples;seq={s};first={};flags={};pairs={}",
                x.first_index,
                x.flags.0,
                pairs.join(",")
            )
        }
        Message::Heartbeat(h) => format!(
            "type=heartbeat;seq={s};uptime={};next={};status={};overruns={}",
            h.uptime_ms, h.next_index, h.status, h.overruns
        ),
        Message::Ack { command } => format!("type=ack;seq={s};cmd={command}"),
        Message::Nack { command, code } => {
            format!("type=nack;seq={s};cmd={command};code={}", code.to_u8())
        }
        Message::GetInfo => format!("type=getinfo;seq={s}"),
        Message::Start => format!("type=start;seq={s}"),
        Message::Stop => format!("type=stop;seq={s}"),
        Message::SetRate { rate_hz } => format!("type=setrate;seq={s};rate={rate_hz}"),
        Message::Ping { nonce } => format!("type=ping;seq={s};nonce={nonce}"),
    }
}

/// Parses a `fields` column back into a frame, without the codec.
fn parse_fields(f: &str) -> Frame {
    let kv: HashMap<&str, &str> = f
        .split(';')
        .map(|p| p.split_once('=').expect("key=value"))
        .collect();
    let n = |k: &str| -> u64 { kv[k].parse().unwrap_or_else(|_| panic!("field {k}")) };
    let seq = n("seq") as u8;
    let ch = |k: &str| {
        let p: Vec<&str> = kv[k].split('/').collect();
        channel(
            p[0],
            p[1],
            p[2].parse().unwrap(),
            p[3].parse().unwrap(),
            p[4].parse().unwrap(),
        )
    };
    let message = match kv["type"] {
        "info" => {
            let fw: Vec<u8> = kv["fw"].split('.').map(|x| x.parse().unwrap()).collect();
            let mut id = [0u8; 8];
            id.copy_from_slice(&unhex(kv["id"]));
            Message::Info(Info {
                protocol_version: n("proto") as u8,
                firmware_version: [fw[0], fw[1], fw[2]],
                sample_rate_hz: n("rate") as u16,
                status: n("status") as u8,
                device_id: id,
                channels: [ch("ch0"), ch("ch1")],
            })
        }
        "samples" => {
            let pairs: Vec<[u16; 2]> = kv["pairs"]
                .split(',')
                .map(|p| {
                    let (c, b) = p.split_once(':').unwrap();
                    [c.parse().unwrap(), b.parse().unwrap()]
                })
                .collect();
            Message::Samples(
                Samples::new(n("first") as u32, SampleFlags(n("flags") as u8), &pairs).unwrap(),
            )
        }
        "heartbeat" => Message::Heartbeat(Heartbeat {
            uptime_ms: n("uptime") as u32,
            next_index: n("next") as u32,
            status: n("status") as u8,
            overruns: n("overruns") as u16,
        }),
        "ack" => Message::Ack {
            command: n("cmd") as u8,
        },
        "nack" => Message::Nack {
            command: n("cmd") as u8,
            code: NackCode::from_u8(n("code") as u8),
        },
        "getinfo" => Message::GetInfo,
        "start" => Message::Start,
        "stop" => Message::Stop,
        "setrate" => Message::SetRate {
            rate_hz: n("rate") as u16,
        },
        "ping" => Message::Ping {
            nonce: n("nonce") as u32,
        },
        other => panic!("unknown type {other}"),
    };
    Frame { seq, message }
}

fn encode(fr: &Frame) -> Vec<u8> {
    let mut out = [0u8; MAX_FRAME];
    let n = encode_frame(fr.seq, &fr.message, &mut out).unwrap();
    out[..n].to_vec()
}

fn render() -> String {
    let mut s = String::from(
        "# breathband protocol v1 golden vectors: name<TAB>fields<TAB>wire bytes (hex, including the 0x00 delimiter)\n\
         # type=reject lines must be dropped by a receiver with the named error and no frame.\n",
    );
    for (name, fr) in canonical() {
        let _ = writeln!(s, "{name}\t{}\t{}", fields(&fr), hex(&encode(&fr)));
    }
    for (name, kind, bytes) in rejects() {
        let _ = writeln!(s, "{name}\ttype=reject;error={kind}\t{}", hex(&bytes));
    }
    s
}

#[test]
fn golden_vectors_file_matches_codec() {
    if std::env::var_os("BREATHBAND_BLESS").is_some() {
        std::fs::write(PATH, render()).unwrap();
    }
    let text = std::fs::read_to_string(PATH).expect("vectors/frames.tsv");
    assert_eq!(
        text,
        render(),
        "vectors file differs from the codec; see the module doc"
    );
    let mut checked = 0;
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "{line}");
        let (name, f, wire) = (cols[0], cols[1], unhex(cols[2]));
        let mut got = Vec::new();
        // Feed byte by byte to exercise the incremental path.
        let mut dec = Decoder::new();
        for b in &wire {
            if let Some(r) = dec.feed(*b) {
                got.push(r);
            }
        }
        assert_eq!(got.len(), 1, "{name}: exactly one result");
        if let Some(kind) = f.strip_prefix("type=reject;error=") {
            let err = got[0].as_ref().expect_err(name);
            assert_eq!(error_kind(err), kind, "{name}");
            assert_eq!(
                err.bytes(),
                wire.len(),
                "{name}: every byte counted as dropped"
            );
            assert_eq!(dec.stats().bytes_dropped, wire.len() as u64);
        } else {
            let expected = parse_fields(f);
            assert_eq!(got[0].as_ref().unwrap(), &expected, "{name}: decode");
            assert_eq!(encode(&expected), wire, "{name}: encode");
        }
        checked += 1;
    }
    assert_eq!(checked, canonical().len() + rejects().len());
}
