//! BITalino (r)evolution's serial protocol as its official APIs speak it:
//! one-byte commands, and sample frames of n+2 bytes (n+3 for 3 to 5
//! channels) read from the end: a 4-bit sequence number and a CRC-4
//! (x^4 + x + 1, over the frame with the CRC nibble zeroed) in the last
//! byte, four digital inputs, then the selected analog channels in
//! ascending order, 10 bits each for the first four and 6 bits for the
//! fifth and sixth. Pure: no I/O, used by the serial source and by the
//! virtual board alike.

/// The serial link: 115200 baud, 8N1 (USB-serial, or Bluetooth SPP).
pub const BAUD: u32 = 115_200;

/// Analog channels on the board: A1..A6.
pub const CHANNELS: usize = 6;

/// The sampling rates the board offers, Hz, in command-code order.
pub const RATES_HZ: [u16; 4] = [1, 10, 100, 1000];

/// Asks for the version string (answered as text ending in `\n`).
pub const CMD_VERSION: u8 = 0x07;
/// Stops an acquisition.
pub const CMD_STOP: u8 = 0x00;
/// Back to idle from any mode ((r)evolution).
pub const CMD_IDLE: u8 = 0xFF;
/// Asks for the state frame (16 bytes, idle only).
pub const CMD_STATE: u8 = 0x0B;
/// Length of the answer to [`CMD_STATE`].
pub const STATE_LEN: usize = 16;

/// The command that sets the sampling rate, if the board offers `hz`.
pub fn rate_command(hz: u16) -> Option<u8> {
    let code = RATES_HZ.iter().position(|r| *r == hz)?;
    Some(((code as u8) << 6) | 0x03)
}

/// The command that starts a live acquisition of `channels` (0-based:
/// 0 is A1), or None when the list is empty or names no channel.
pub fn start_command(channels: &[usize]) -> Option<u8> {
    if channels.is_empty() || channels.iter().any(|c| *c >= CHANNELS) {
        return None;
    }
    let mask = channels.iter().fold(0u8, |m, c| m | (1 << c));
    Some((mask << 2) | 0x01)
}

/// A command as the board reads it (the virtual board answers these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Version,
    State,
    /// Stop (0x00) or idle (0xFF).
    Stop,
    /// Set the sampling rate, Hz.
    Rate(u16),
    /// Start: the channel mask (bit 0 = A1), and whether it is the board's
    /// own simulated signal.
    Start {
        mask: u8,
        simulated: bool,
    },
    /// Anything else (battery threshold, digital outputs, PWM...).
    Other(u8),
}

/// Reads one command byte.
pub fn parse_command(b: u8) -> Command {
    match b {
        CMD_STOP | CMD_IDLE => Command::Stop,
        CMD_VERSION => Command::Version,
        CMD_STATE => Command::State,
        _ if b & 0x3F == 0x03 => Command::Rate(RATES_HZ[usize::from(b >> 6)]),
        _ if b & 0x03 == 0x01 || b & 0x03 == 0x02 => Command::Start {
            mask: b >> 2,
            simulated: b & 0x03 == 0x02,
        },
        _ => Command::Other(b),
    }
}

/// Bytes in a sample frame of `n` channels (1 to 6).
pub fn frame_len(n: usize) -> usize {
    let bits = if n <= 4 {
        12 + 10 * n
    } else {
        52 + 6 * (n - 4)
    };
    bits.div_ceil(8)
}

/// The CRC-4 of a frame, as the board computes it: over every bit, most
/// significant first, with the last byte's low nibble (the CRC) read as 0.
pub fn crc4(frame: &[u8]) -> u8 {
    let last = frame.len().saturating_sub(1);
    let mut x: u8 = 0;
    for (i, &byte) in frame.iter().enumerate() {
        let byte = if i == last { byte & 0xF0 } else { byte };
        for bit in (0..8).rev() {
            x = (x << 1) & 0x1F;
            if x & 0x10 != 0 {
                x ^= 0x03;
            }
            x ^= (byte >> bit) & 1;
        }
    }
    x & 0x0F
}

/// One decoded sample frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    /// 0..15, one more each frame.
    pub seq: u8,
    /// I1, I2, O1, O2.
    pub digital: [bool; 4],
    /// The selected channels in ascending order; `n` of them are valid.
    pub analog: [u16; CHANNELS],
    pub n: usize,
}

impl Frame {
    /// The valid analog values.
    pub fn values(&self) -> &[u16] {
        &self.analog[..self.n]
    }
}

/// Decodes one frame of `n` channels (`frame.len() == frame_len(n)`), or
/// None when its CRC does not match.
pub fn decode(frame: &[u8], n: usize) -> Option<Frame> {
    let len = frame.len();
    if n == 0 || n > CHANNELS || len != frame_len(n) || crc4(frame) != frame[len - 1] & 0x0F {
        return None;
    }
    // Bytes counted from the end, as the official APIs read them.
    let b = |k: usize| u16::from(frame[len - k]);
    let mut analog = [0u16; CHANNELS];
    analog[0] = ((b(2) & 0x0F) << 6) | (b(3) >> 2);
    if n > 1 {
        analog[1] = ((b(3) & 0x03) << 8) | b(4);
    }
    if n > 2 {
        analog[2] = (b(5) << 2) | (b(6) >> 6);
    }
    if n > 3 {
        analog[3] = ((b(6) & 0x3F) << 4) | (b(7) >> 4);
    }
    if n > 4 {
        analog[4] = ((b(7) & 0x0F) << 2) | (b(8) >> 6);
    }
    if n > 5 {
        analog[5] = b(8) & 0x3F;
    }
    let d = frame[len - 2];
    Some(Frame {
        seq: frame[len - 1] >> 4,
        digital: [d & 0x80 != 0, d & 0x40 != 0, d & 0x20 != 0, d & 0x10 != 0],
        analog,
        n,
    })
}

/// Encodes a frame as the board sends it (the virtual board, tests).
/// Values are cut to their width: 10 bits, 6 for the fifth and sixth.
pub fn encode(seq: u8, digital: [bool; 4], analog: &[u16]) -> Vec<u8> {
    let n = analog.len().clamp(1, CHANNELS);
    let len = frame_len(n);
    let mut f = vec![0u8; len];
    let a = |i: usize| analog.get(i).copied().unwrap_or(0);
    let (a0, a1, a2, a3) = (a(0) & 0x3FF, a(1) & 0x3FF, a(2) & 0x3FF, a(3) & 0x3FF);
    let (a4, a5) = (a(4) & 0x3F, a(5) & 0x3F);
    let mut put = |k: usize, v: u16| {
        if k <= len {
            f[len - k] |= (v & 0xFF) as u8;
        }
    };
    let dig = digital
        .iter()
        .enumerate()
        .fold(0u16, |m, (i, on)| m | (u16::from(*on) << (7 - i)));
    put(2, dig | (a0 >> 6));
    put(3, ((a0 & 0x3F) << 2) | (a1 >> 8));
    put(4, a1 & 0xFF);
    if n > 2 {
        put(5, a2 >> 2);
        put(6, ((a2 & 0x03) << 6) | (a3 >> 4));
    }
    if n > 3 {
        put(7, ((a3 & 0x0F) << 4) | (a4 >> 2));
    }
    if n > 4 {
        put(8, ((a4 & 0x03) << 6) | a5);
    }
    f[len - 1] = (seq & 0x0F) << 4;
    f[len - 1] |= crc4(&f);
    f
}

/// Finds frames in a byte stream. Junk passes a CRC-4 one time in 16, so a
/// frame is taken only when the frames after it confirm it: in step, a
/// valid frame that follows the last one in sequence, with the next frame
/// valid and next in sequence (or, past one corrupted frame, the one after
/// that); after a CRC failure or a break in the sequence (junk, or frames
/// really lost), the decoder moves on one byte at a time, as the official
/// API does, and takes a position again only where three frames in a row
/// are valid and consecutive. A valid frame in sequence that is followed by
/// junk waits: it is handed on if the frame found after the junk comes one
/// or two places after it (junk between frames, or a frame cut short),
/// and dropped otherwise (it was junk itself). A position confirmed out of
/// step whose frame has the waiting frame's own number means one of the two
/// is junk: both are dropped (a frame counted lost rather than a false
/// sample). Frames wait for up
/// to two more frames (20 ms at 100 Hz) before they are handed on.
#[derive(Debug, Clone)]
pub struct Decoder {
    n: usize,
    len: usize,
    buf: Vec<u8>,
    in_step: bool,
    last_seq: Option<u8>,
    /// A frame in sequence followed by junk, until the frames after the
    /// junk say whether it was real.
    tentative: Option<Frame>,
    /// Times the stream fell out of step on a CRC failure.
    pub crc_failures: u64,
    /// Bytes skipped to get back in step.
    pub skipped_bytes: u64,
    /// Bytes skipped since the last frame taken.
    skipped_since: usize,
}

/// What the bytes at a position say, once enough of them are there.
enum Verdict {
    Take(Frame),
    /// In sequence, but junk follows.
    Tentative(Frame),
    Skip {
        crc_failed: bool,
    },
    /// Out of step, the waiting frame's sequence number again.
    Doubt,
    Wait,
}

impl Decoder {
    /// A decoder for frames of `n` channels (1 to 6).
    pub fn new(n: usize) -> Self {
        let n = n.clamp(1, CHANNELS);
        Self {
            n,
            len: frame_len(n),
            buf: Vec::new(),
            in_step: true,
            last_seq: None,
            tentative: None,
            crc_failures: 0,
            skipped_bytes: 0,
            skipped_since: 0,
        }
    }

    /// Bytes per frame.
    pub fn frame_len(&self) -> usize {
        self.len
    }

    /// The frame `k` frames after position `at`: None when invalid,
    /// Some(None) when its bytes have not all come yet.
    fn frame_at(&self, at: usize, k: usize) -> Option<Option<Frame>> {
        let from = at + k * self.len;
        if self.buf.len() < from + self.len {
            return Some(None);
        }
        decode(&self.buf[from..from + self.len], self.n).map(Some)
    }

    fn judge(&self, at: usize) -> Verdict {
        let here = match self.frame_at(at, 0) {
            None => return Verdict::Skip { crc_failed: true },
            Some(None) => return Verdict::Wait,
            Some(Some(f)) => f,
        };
        let seq_is = |f: &Frame, d: u8| f.seq == (here.seq + d) & 0x0F;
        if self.in_step {
            if self.last_seq.is_some_and(|l| here.seq != (l + 1) & 0x0F) {
                return Verdict::Skip { crc_failed: false };
            }
            match self.frame_at(at, 1) {
                Some(None) => return Verdict::Wait,
                Some(Some(next)) if seq_is(&next, 1) => return Verdict::Take(here),
                // The next one is corrupted: the one after it decides.
                _ => {}
            }
            return match self.frame_at(at, 2) {
                Some(None) => Verdict::Wait,
                Some(Some(f)) if seq_is(&f, 2) => Verdict::Take(here),
                _ => Verdict::Tentative(here),
            };
        }
        for k in 1..3 {
            match self.frame_at(at, k) {
                Some(None) => return Verdict::Wait,
                Some(Some(f)) if seq_is(&f, k as u8) => {}
                _ => return Verdict::Skip { crc_failed: false },
            }
        }
        // Confirmed, but with the waiting frame's number: one of the two is
        // junk that looks like the other (junk right before the real next
        // frame passes one time in 256, hiding the waiting real one), and
        // nothing tells which.
        if self.skipped_since < 15 * self.len && self.tentative.is_some_and(|t| t.seq == here.seq) {
            return Verdict::Doubt;
        }
        Verdict::Take(here)
    }

    /// Feeds bytes; calls `out` for each frame found, in order.
    pub fn push(&mut self, bytes: &[u8], mut out: impl FnMut(Frame)) {
        self.buf.extend_from_slice(bytes);
        let mut at = 0;
        while self.buf.len() - at >= self.len {
            match self.judge(at) {
                Verdict::Take(f) => {
                    if let Some(t) = self.tentative.take() {
                        if (1..=2).contains(&(f.seq.wrapping_sub(t.seq) & 0x0F)) {
                            out(t);
                        }
                    }
                    self.in_step = true;
                    self.last_seq = Some(f.seq);
                    self.skipped_since = 0;
                    out(f);
                    at += self.len;
                }
                Verdict::Tentative(f) => {
                    // Look for the next frame from the byte after this
                    // one's start: if it was junk, a real frame may begin
                    // inside it.
                    self.tentative = Some(f);
                    self.in_step = false;
                    self.skipped_bytes += 1;
                    self.skipped_since += 1;
                    at += 1;
                }
                Verdict::Skip { crc_failed } => {
                    if crc_failed && self.in_step {
                        self.crc_failures += 1;
                    }
                    self.in_step = false;
                    self.skipped_bytes += 1;
                    self.skipped_since += 1;
                    at += 1;
                }
                Verdict::Doubt => {
                    // Both go: a frame lost, counted as lost, rather than
                    // a sample that may be junk.
                    self.tentative = None;
                    self.skipped_bytes += 1;
                    self.skipped_since += 1;
                    at += 1;
                }
                Verdict::Wait => break,
            }
        }
        self.buf.drain(..at);
    }

    /// Forgets buffered bytes and the sequence (after a reconnect).
    pub fn reset(&mut self) {
        self.buf.clear();
        self.in_step = true;
        self.last_seq = None;
        self.tentative = None;
        self.skipped_since = 0;
    }
}

/// Frames lost between sequence numbers `last` and `seq` (0 to 15; a loss
/// of 16 or more frames cannot be told from the sequence alone).
pub fn frames_lost(last: u8, seq: u8) -> u8 {
    seq.wrapping_sub(last).wrapping_sub(1) & 0x0F
}

/// The version string from the board's answer to [`CMD_VERSION`]: the
/// text from "BITalino" to the end of the line, once the line is complete.
pub fn parse_version(bytes: &[u8]) -> Option<String> {
    let start = bytes.windows(8).position(|w| w == b"BITalino")?;
    let end = start + bytes[start..].iter().position(|b| *b == b'\n')?;
    let s = String::from_utf8_lossy(&bytes[start..end]);
    Some(s.trim_end_matches('\r').to_string())
}

/// True for a BITalino 2 / (r)evolution (version 4.2 or later), which
/// knows [`CMD_IDLE`] and [`CMD_STATE`].
pub fn is_revolution(version: &str) -> bool {
    let tail = version
        .split_once("_v")
        .or_else(|| version.split_once('V'))
        .map(|(_, t)| t);
    tail.and_then(|t| {
        let num: String = t
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        num.parse::<f64>().ok()
    })
    .is_some_and(|v| v >= 4.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_lengths_follow_the_channel_count() {
        let got: Vec<usize> = (1..=6).map(frame_len).collect();
        assert_eq!(got, [3, 4, 6, 7, 8, 8]);
    }

    #[test]
    fn commands_match_the_official_api() {
        assert_eq!(rate_command(1000), Some(0xC3));
        assert_eq!(rate_command(100), Some(0x83));
        assert_eq!(rate_command(1), Some(0x03));
        assert_eq!(rate_command(500), None);
        // A1 and A2: mask 0b11 << 2 | 1.
        assert_eq!(start_command(&[0, 1]), Some(0x0D));
        assert_eq!(start_command(&[0, 1, 2, 3, 4, 5]), Some(0xFD));
        assert_eq!(start_command(&[6]), None);
        assert_eq!(start_command(&[]), None);
        assert_eq!(
            parse_command(0x0D),
            Command::Start {
                mask: 3,
                simulated: false
            }
        );
        assert_eq!(parse_command(0xC3), Command::Rate(1000));
        assert_eq!(parse_command(0x07), Command::Version);
        assert_eq!(parse_command(0x0B), Command::State);
        assert_eq!(parse_command(0xFF), Command::Stop);
        assert_eq!(parse_command(0x00), Command::Stop);
    }

    #[test]
    fn a_frame_round_trips_for_every_channel_count() {
        let values = [1023u16, 0, 517, 300, 63, 42];
        for n in 1..=6 {
            let want: Vec<u16> = values[..n].to_vec();
            let f = encode(9, [true, false, true, false], &want);
            assert_eq!(f.len(), frame_len(n));
            let got = decode(&f, n).unwrap();
            assert_eq!(got.values(), want.as_slice(), "n = {n}");
            assert_eq!((got.seq, got.digital), (9, [true, false, true, false]));
        }
    }

    #[test]
    fn a_flipped_bit_fails_the_crc() {
        let f = encode(3, [false; 4], &[512, 700]);
        for byte in 0..f.len() {
            for bit in 0..8 {
                let mut g = f.clone();
                g[byte] ^= 1 << bit;
                assert!(decode(&g, 2).is_none(), "byte {byte} bit {bit}");
            }
        }
    }

    #[test]
    fn the_crc_is_the_official_apis() {
        // The bit loop of bitalino.py, written out for a fixed frame.
        let frame = [0x12u8, 0x34, 0xA7, 0x50];
        let mut x: u32 = 0;
        let mut bytes = frame;
        bytes[3] &= 0xF0;
        for b in bytes {
            for bit in (0..8).rev() {
                x <<= 1;
                if x & 0x10 != 0 {
                    x ^= 0x03;
                }
                x ^= u32::from((b >> bit) & 1);
            }
        }
        assert_eq!(u32::from(crc4(&frame)), x & 0x0F);
    }

    #[test]
    fn the_decoder_resyncs_after_junk_and_loses_only_the_frame_it_cut() {
        let mut stream = Vec::new();
        let mut want = Vec::new();
        for i in 0..200u16 {
            let v = [i % 1024, (i * 7) % 1024];
            let f = encode((i % 16) as u8, [false; 4], &v);
            if i == 50 {
                // Junk between two frames: nothing is lost.
                stream.extend_from_slice(&[0xAB, 0x00, 0xFF, 0x13, 0x37]);
            }
            if i == 120 {
                // Half a frame, then junk: that frame is lost.
                stream.extend_from_slice(&f[..2]);
                stream.extend_from_slice(&[0x55, 0xAA, 0x01]);
                continue;
            }
            stream.extend(f);
            want.push(v);
        }
        let mut d = Decoder::new(2);
        let mut got = Vec::new();
        // Fed in uneven pieces, as a serial port delivers.
        for chunk in stream.chunks(7) {
            d.push(chunk, |f| got.push([f.analog[0], f.analog[1]]));
        }
        // The last frame waits for one that would confirm it.
        want.pop();
        assert_eq!(got, want);
        // Junk is skipped bytes, not failed frames: no frame's CRC failed
        // where a frame was due.
        assert_eq!(d.crc_failures, 0);
        assert!(d.skipped_bytes >= 10, "{}", d.skipped_bytes);
    }

    /// A repeatable stream of pseudo-random numbers (xorshift32).
    fn xorshift(mut seed: u32) -> impl FnMut() -> u32 {
        move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        }
    }

    #[test]
    fn random_bytes_never_panic_and_clean_frames_after_them_are_found() {
        let mut next = xorshift(0x2545F491);
        let mut rnd = || (next() & 0xFF) as u8;
        let mut d = Decoder::new(2);
        let junk: Vec<u8> = (0..10_000).map(|_| rnd()).collect();
        let mut n_junk = 0;
        d.push(&junk, |_| n_junk += 1);
        let mut clean = Vec::new();
        for i in 0..64u8 {
            clean.extend(encode(i % 16, [false; 4], &[u16::from(i), 5]));
        }
        let mut got = Vec::new();
        d.push(&clean, |f| got.push(f.analog[0]));
        // Back in step within the first frames of the clean stream; the
        // last waits for a frame that would confirm it.
        assert!(got.len() >= 58, "{} of 64", got.len());
        assert_eq!(*got.last().unwrap(), 62);
        // Junk passes as a pair of valid consecutive frames rarely.
        assert!(n_junk < 10, "{n_junk} frames found in junk");
    }

    #[test]
    fn a_corrupted_frame_costs_only_itself() {
        let mut rnd = xorshift(0x9E3779B9);
        let mut stream = Vec::new();
        let mut corrupted = 0;
        for i in 0..30_000u32 {
            let mut f = encode((i % 16) as u8, [false; 4], &[(i % 1000) as u16, 512]);
            if rnd().is_multiple_of(100) {
                let k = rnd() as usize % f.len();
                f[k] ^= 1 << (rnd() % 8);
                corrupted += 1;
            }
            stream.extend(f);
        }
        let mut d = Decoder::new(2);
        let mut got = 0;
        for chunk in stream.chunks(61) {
            d.push(chunk, |_| got += 1);
        }
        // Each corrupted frame is lost, and now and then one beside it (two
        // corruptions close together leave too few frames to confirm); the
        // last frame waits for one that would confirm it.
        let lost = 30_000 - got - 1;
        assert!(
            lost >= corrupted && lost <= corrupted + corrupted / 20,
            "{lost} lost, {corrupted} corrupted"
        );
        // A corruption met while already out of step is not counted again.
        let failures = d.crc_failures as u32;
        assert!(
            failures <= corrupted && failures >= corrupted - corrupted / 20,
            "{failures} failures, {corrupted} corrupted"
        );
    }

    /// 100 000 frames carrying their own index, 1 % corrupted, and a burst
    /// of 1 to 19 junk bytes every 50 frames or so (2 000 bursts), decoded
    /// in 37-byte reads: (false samples, frames lost, frames corrupted,
    /// how far the sequence alone places the last frame past its index).
    fn junk_run(seed: u32) -> (usize, usize, usize, usize) {
        let mut rnd = xorshift(seed);
        let mut stream = Vec::new();
        let mut corrupted = std::collections::HashSet::new();
        for i in 0..100_000u32 {
            if rnd().is_multiple_of(50) {
                let len = 1 + rnd() as usize % 19;
                stream.extend((0..len).map(|_| rnd() as u8));
            }
            let v = [(i % 1024) as u16, (i / 1024) as u16];
            let mut f = encode((i % 16) as u8, [false; 4], &v);
            if rnd().is_multiple_of(100) {
                let k = rnd() as usize % f.len();
                f[k] ^= 1 << (rnd() % 8);
                corrupted.insert(i);
            }
            stream.extend(f);
        }
        let mut d = Decoder::new(2);
        let mut got = Vec::new();
        for chunk in stream.chunks(37) {
            d.push(chunk, |f| got.push(f));
        }
        let index = |f: &Frame| u32::from(f.analog[0]) + 1024 * u32::from(f.analog[1]);
        let false_samples = got
            .iter()
            .filter(|f| {
                let i = index(f);
                i >= 100_000 || f.seq != (i % 16) as u8 || corrupted.contains(&i)
            })
            .count();
        // Placed by the sequence alone, from the first frame on: where the
        // last one lands against its true index.
        let mut placed = index(&got[0]);
        for w in got.windows(2) {
            placed += 1 + u32::from(frames_lost(w[0].seq, w[1].seq));
        }
        let shift = placed as usize - index(got.last().unwrap()) as usize;
        (false_samples, 100_000 - got.len(), corrupted.len(), shift)
    }

    #[test]
    fn junk_next_to_frames_rarely_passes_as_a_sample() {
        // Before the doubt rule, junk right before the real next frame
        // passed as a sample about once in 256 bursts, in the place of the
        // real frame it hid: 24 false samples over these three runs. Left:
        // junk twice within three frames can still hide the real frames
        // between (measured: 1 false sample). The count stays exact.
        let mut false_samples = 0;
        for seed in [0x1234_5678, 0x9E37_79B9, 0x2545_F491] {
            let (f, lost, corrupted, shift) = junk_run(seed);
            false_samples += f;
            assert_eq!(shift, 0, "seed {seed:x}");
            // Lost: the corrupted frames, and some beside junk or them.
            assert!(
                lost >= corrupted && lost < corrupted + 500,
                "{lost} lost, {corrupted} corrupted"
            );
        }
        assert!(false_samples <= 2, "{false_samples} false samples");
    }

    #[test]
    fn lost_frames_come_from_the_sequence() {
        assert_eq!(frames_lost(3, 4), 0);
        assert_eq!(frames_lost(15, 0), 0);
        assert_eq!(frames_lost(14, 2), 3);
        assert_eq!(frames_lost(5, 5), 15);
    }

    #[test]
    fn the_version_is_read_from_its_line() {
        assert_eq!(
            parse_version(b"\x00\x12BITalino_v5.1\n").as_deref(),
            Some("BITalino_v5.1")
        );
        assert_eq!(parse_version(b"BITalino_v5.1"), None);
        assert!(is_revolution("BITalino_v5.1"));
        assert!(!is_revolution("BITalino_v3.0"));
        assert!(!is_revolution("nonsense"));
    }
}
