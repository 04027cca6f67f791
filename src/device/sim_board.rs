//! The state of the simulated sensor board behind [`pty_sim`](super::pty_sim)
//! and its answers to host commands, as `PROTOCOL.md` specifies them.

use super::virtual_source::VirtualConfig;
use breathband_protocol::{
    ChannelInfo, Info, Label, Message, NackCode, MAX_PAIRS, PROTOCOL_VERSION, RATE_RANGE_HZ,
};
use std::time::{Duration, Instant};

/// One boot of the simulated board.
pub(super) struct Board {
    /// When the sketch starts after a reset (before that, the bootloader
    /// ignores everything and sends nothing).
    pub up_at: Instant,
    /// The boot `Info` was sent (or is not due).
    pub announced: bool,
    pub rate_hz: u16,
    /// Index and time from which the current rate counts.
    epoch: Instant,
    epoch_index: u32,
    /// Index the next sample gets.
    pub index: u32,
    pub streaming: bool,
    pub seq: u8,
    pub overruns: u16,
    pub last_heartbeat: Instant,
    pub pending: Vec<[u16; 2]>,
    pub flags: u8,
}

impl Board {
    /// A board that starts its sketch after `boot_delay` (its bootloader).
    pub fn new(rate_hz: u16, boot_delay: Duration) -> Self {
        let up_at = Instant::now() + boot_delay;
        Self {
            up_at,
            announced: false,
            rate_hz,
            epoch: up_at,
            epoch_index: 0,
            index: 0,
            streaming: false,
            seq: 0,
            overruns: 0,
            last_heartbeat: up_at,
            pending: Vec::new(),
            flags: 0,
        }
    }

    /// True once the sketch runs.
    pub fn is_up(&self) -> bool {
        Instant::now() >= self.up_at
    }

    /// Milliseconds since the sketch started.
    pub fn uptime_ms(&self) -> u32 {
        Instant::now()
            .saturating_duration_since(self.up_at)
            .as_millis() as u32
    }

    /// The index sampling has reached by now (the board's clock).
    pub fn due_index(&self) -> u32 {
        let s = Instant::now()
            .saturating_duration_since(self.epoch)
            .as_secs_f64();
        self.epoch_index
            .wrapping_add((s * self.rate_hz as f64) as u32)
    }

    /// Pairs per `Samples` frame: about 100 frames a second.
    pub fn per_frame(&self) -> usize {
        (self.rate_hz as usize / 100).clamp(1, MAX_PAIRS)
    }

    /// Takes the next sequence number of the board's own frames.
    pub fn next_seq(&mut self) -> u8 {
        let s = self.seq;
        self.seq = self.seq.wrapping_add(1);
        s
    }

    /// The board's `Info`.
    pub fn info(&self, sensor: &VirtualConfig) -> Message {
        let ch = |name| ChannelInfo {
            // Constant ASCII names: these cannot fail.
            name: Label::new(name).unwrap_or(Label::new("?").expect("ascii")),
            unit: Label::new("raw").expect("ascii"),
            scale: 1.0,
            offset: 0.0,
            full_scale: sensor.params.full_scale,
        };
        Message::Info(Info {
            protocol_version: PROTOCOL_VERSION,
            firmware_version: [0, 1, 0],
            sample_rate_hz: self.rate_hz,
            status: self.streaming as u8,
            device_id: sensor.seed.to_le_bytes(),
            channels: [ch("chest"), ch("belly")],
        })
    }

    fn set_rate(&mut self, rate_hz: u16) {
        self.epoch = Instant::now().max(self.up_at);
        self.epoch_index = self.due_index().max(self.index);
        self.index = self.epoch_index;
        self.rate_hz = rate_hz;
        self.pending.clear();
    }
}

/// The board's answer to one command: Ack/Nack first, then any extra message.
pub(super) fn answer(board: &mut Board, cmd: Message, sensor: &VirtualConfig) -> Vec<Message> {
    let ack = |c: Message| Message::Ack {
        command: c.msg_type() as u8,
    };
    let nack = |c: Message, code| Message::Nack {
        command: c.msg_type() as u8,
        code,
    };
    match cmd {
        Message::GetInfo => vec![ack(cmd), board.info(sensor)],
        Message::Start => {
            board.streaming = true;
            vec![ack(cmd)]
        }
        Message::Stop => {
            board.streaming = false;
            board.pending.clear();
            vec![ack(cmd)]
        }
        Message::Ping { .. } => vec![ack(cmd)],
        // As PROTOCOL.md says: out of range is a bad argument, a change while
        // streaming is refused as busy, else Ack and the new Info.
        Message::SetRate { rate_hz } if !RATE_RANGE_HZ.contains(&rate_hz) => {
            vec![nack(cmd, NackCode::BadArgument)]
        }
        Message::SetRate { .. } if board.streaming => vec![nack(cmd, NackCode::Busy)],
        Message::SetRate { rate_hz } => {
            board.set_rate(rate_hz);
            vec![ack(cmd), board.info(sensor)]
        }
        // Device-to-host messages sent to the board are ignored, as the
        // firmware does.
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate_of(m: &Message) -> Option<u16> {
        match m {
            Message::Info(i) => Some(i.sample_rate_hz),
            _ => None,
        }
    }

    #[test]
    fn set_rate_while_stopped_acks_and_sends_the_new_info() {
        let sensor = VirtualConfig::default();
        let mut b = Board::new(200, Duration::ZERO);
        let r = answer(&mut b, Message::SetRate { rate_hz: 500 }, &sensor);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0], Message::Ack { command: 0x84 });
        assert_eq!(rate_of(&r[1]), Some(500));
        assert_eq!(b.per_frame(), 5);
    }

    #[test]
    fn set_rate_is_refused_while_streaming_or_out_of_range() {
        let sensor = VirtualConfig::default();
        let mut b = Board::new(200, Duration::ZERO);
        let nack = |code| {
            vec![Message::Nack {
                command: 0x84,
                code,
            }]
        };
        let r = answer(&mut b, Message::SetRate { rate_hz: 20 }, &sensor);
        assert_eq!(r, nack(NackCode::BadArgument));
        answer(&mut b, Message::Start, &sensor);
        let r = answer(&mut b, Message::SetRate { rate_hz: 500 }, &sensor);
        assert_eq!(r, nack(NackCode::Busy));
        assert_eq!(b.rate_hz, 200);
    }
}
