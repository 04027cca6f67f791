//! What the live view shows, as plain data: traces, the latest analysis,
//! recent breaths, link status and banners. Filled from pipeline messages;
//! panels read it, tests build it directly.

use crate::acquisition::CounterSnapshot;
use crate::analysis::{Breath, Class, Gains, NoSignalReason, Output, SafetyEvent, WindowResult};
use crate::device::DeviceInfo;
use crate::live::{DisplayPoint, PipeMsg, DISPLAY_HZ};
use std::collections::VecDeque;

/// Seconds of trace kept for scroll-back.
pub const HISTORY_S: f64 = 600.0;
/// Breaths kept for the strip and the loop.
pub const BREATHS_KEPT: usize = 40;

/// State of the link to the source.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkState {
    Connecting,
    Live,
    /// Lost, trying to reconnect.
    Lost(String),
    /// The replay ended.
    Ended,
    /// The person disconnected the source.
    Disconnected,
    Failed(String),
}

/// A banner across the live view.
#[derive(Debug, Clone, PartialEq)]
pub struct Banner {
    /// Plain words for the person.
    pub text: String,
    /// The technical reason (an OS error, a path), shown under "Details".
    pub detail: Option<String>,
    /// True for a problem, false for good news.
    pub alarm: bool,
    /// Trace time when it was raised (good news fades after a few seconds).
    pub since_s: f64,
}

/// Everything the live view displays.
#[derive(Debug, Clone)]
pub struct LiveData {
    pub info: Option<DeviceInfo>,
    pub gains: Gains,
    pub link: LinkState,
    pub traces: VecDeque<DisplayPoint>,
    pub window: Option<WindowResult>,
    pub breaths: VecDeque<Breath>,
    pub events: Vec<SafetyEvent>,
    pub counters: CounterSnapshot,
    pub banner: Option<Banner>,
    pub warnings: Vec<String>,
    /// The session folder being written, if any.
    pub recording: Option<std::path::PathBuf>,
    /// The last session folder closed, and its error if any.
    pub recorded: Option<(std::path::PathBuf, Option<String>)>,
    pub recording_error: Option<String>,
    signal_lost: bool,
}

impl Default for LiveData {
    fn default() -> Self {
        Self {
            info: None,
            gains: Gains::default(),
            link: LinkState::Connecting,
            traces: VecDeque::with_capacity((HISTORY_S * DISPLAY_HZ) as usize + 1),
            window: None,
            breaths: VecDeque::with_capacity(BREATHS_KEPT + 1),
            events: Vec::new(),
            counters: CounterSnapshot::default(),
            banner: None,
            warnings: Vec::new(),
            recording: None,
            recorded: None,
            recording_error: None,
            signal_lost: false,
        }
    }
}

impl LiveData {
    /// Time of the newest trace point, s.
    pub fn now_s(&self) -> f64 {
        self.traces.back().map_or(0.0, |p| p.t_s)
    }

    /// Adds a trace point, dropping what is older than the history.
    pub fn push_point(&mut self, p: DisplayPoint) {
        self.traces.push_back(p);
        while self
            .traces
            .front()
            .is_some_and(|f| p.t_s - f.t_s > HISTORY_S)
        {
            self.traces.pop_front();
        }
    }

    /// The current live label: no signal until the first window, and
    /// while the link is not live (what the last window said is no longer
    /// being measured).
    pub fn label(&self) -> Class {
        self.live_window().map_or(Class::NoSignal, |w| w.label)
    }

    /// The latest window, while the link is live.
    pub fn live_window(&self) -> Option<&WindowResult> {
        match self.link {
            LinkState::Connecting | LinkState::Live => self.window.as_ref(),
            _ => None,
        }
    }

    /// What to say instead of the breathing hint when the link is not live.
    pub fn link_note(&self) -> Option<&'static str> {
        match self.link {
            LinkState::Connecting | LinkState::Live => None,
            LinkState::Lost(_) => {
                Some("The sensor link is lost: reconnecting. Nothing is measured meanwhile.")
            }
            LinkState::Ended => Some("The replay has ended."),
            LinkState::Disconnected => Some("Not connected: press Connect to see your breathing."),
            LinkState::Failed(_) => {
                Some("The sensor stopped: check the cable, then press Connect.")
            }
        }
    }

    fn raise(&mut self, text: impl Into<String>, alarm: bool) {
        self.raise_with(text, None, alarm);
    }

    fn raise_with(&mut self, text: impl Into<String>, detail: Option<String>, alarm: bool) {
        self.banner = Some(Banner {
            text: text.into(),
            detail,
            alarm,
            since_s: self.now_s(),
        });
    }

    /// Applies one pipeline message.
    pub fn apply(&mut self, m: PipeMsg) {
        match m {
            PipeMsg::Connected(info, gains) => {
                self.info = Some(*info);
                self.gains = gains;
                if matches!(self.link, LinkState::Lost(_)) {
                    self.raise("Sensor connected again.", false);
                }
                self.link = LinkState::Live;
            }
            PipeMsg::GainsChanged(g) => self.gains = g,
            PipeMsg::Analysis(Output::Window(w)) => {
                let lost = matches!(
                    w.reason,
                    Some(NoSignalReason::BandOff | NoSignalReason::Flat | NoSignalReason::Gap)
                );
                if lost && !self.signal_lost {
                    let which = match (w.reason, w.bands_off) {
                        (Some(NoSignalReason::Gap), _) => "readings are missing",
                        (_, [true, false]) => "the chest band shows no signal",
                        (_, [false, true]) => "the belly band shows no signal",
                        (_, [true, true]) => "neither band shows a signal",
                        _ => "a band shows no signal",
                    };
                    self.raise(
                        format!("Signal lost: {which}. Check that both bands are on and snug."),
                        true,
                    );
                } else if !lost && self.signal_lost {
                    self.raise("Signal back.", false);
                }
                self.signal_lost = lost;
                self.window = Some(w);
            }
            PipeMsg::Analysis(Output::Breath(b)) => {
                if self.breaths.len() == BREATHS_KEPT {
                    self.breaths.pop_front();
                }
                self.breaths.push_back(b);
            }
            PipeMsg::Analysis(Output::Event(e)) => {
                crate::analysis::safety::merge_event(&mut self.events, e)
            }
            PipeMsg::LinkLost(why) => {
                self.link = LinkState::Lost(why.clone());
                self.raise_with(
                    "The sensor stopped answering: reconnecting. Check the cable or the \
                     Bluetooth link.",
                    Some(why.to_string()),
                    true,
                );
            }
            PipeMsg::Reconnected => {
                self.link = LinkState::Live;
                self.raise("Sensor connected again.", false);
            }
            PipeMsg::Gap { .. } => {}
            PipeMsg::Warning(w) => self.warnings.push(w),
            PipeMsg::Finished => self.link = LinkState::Ended,
            PipeMsg::RecordingStarted(d) => {
                self.recording = Some(d);
                self.recording_error = None;
            }
            PipeMsg::RecordingEnded { dir, error } => {
                self.recording = None;
                if let Some(e) = &error {
                    self.raise_with(
                        "Recording stopped: what was recorded so far is kept, the rest is not saved.",
                        Some(e.to_string()),
                        true,
                    );
                }
                self.recorded = Some((dir, error));
            }
            PipeMsg::RecordingFailed(e) => {
                self.recording_error = Some(e.clone());
                self.raise_with("This session cannot be saved.", Some(e.to_string()), true);
            }
            PipeMsg::Failed(e) => {
                self.link = LinkState::Failed(e.clone());
                self.raise_with(
                    "The sensor stopped. Check the cable, then press Connect.",
                    Some(e.to_string()),
                    true,
                );
            }
        }
    }

    /// The banner to show now (good news disappears after 5 s).
    pub fn banner_now(&self) -> Option<&Banner> {
        self.banner
            .as_ref()
            .filter(|b| b.alarm || self.now_s() - b.since_s < 5.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(t: f64, reason: Option<NoSignalReason>) -> WindowResult {
        WindowResult {
            t_s: t,
            rate_bpm: Some(12.0),
            chest_amp: 1.0,
            belly_amp: 2.0,
            belly_share: Some(0.66),
            phase_deg: Some(0.0),
            coherence: 1.0,
            quality: 1.0,
            class: if reason.is_some() {
                Class::NoSignal
            } else {
                Class::Belly
            },
            label: if reason.is_some() {
                Class::NoSignal
            } else {
                Class::Belly
            },
            spectral_class: Class::Belly,
            reason,
            over_breathing: false,
            bands_off: [false; 2],
        }
    }

    #[test]
    fn banner_when_the_band_signal_goes_and_comes_back() {
        let mut d = LiveData::default();
        d.apply(PipeMsg::Analysis(Output::Window(window(10.0, None))));
        assert!(d.banner_now().is_none());
        d.apply(PipeMsg::Analysis(Output::Window(window(
            11.0,
            Some(NoSignalReason::BandOff),
        ))));
        let b = d.banner_now().unwrap();
        assert!(b.alarm && b.text.contains("Signal lost"), "{b:?}");
        d.apply(PipeMsg::Analysis(Output::Window(window(12.0, None))));
        assert_eq!(d.banner_now().unwrap().text, "Signal back.");
        // Good news fades.
        d.push_point(DisplayPoint {
            t_s: 20.0,
            ..Default::default()
        });
        assert!(d.banner_now().is_none());
    }

    #[test]
    fn history_is_bounded() {
        let mut d = LiveData::default();
        for i in 0..(HISTORY_S as usize * 25 * 2) {
            d.push_point(DisplayPoint {
                t_s: i as f64 / 25.0,
                ..Default::default()
            });
        }
        assert!(d.traces.len() <= (HISTORY_S * 25.0) as usize + 1);
        assert!(d.now_s() - d.traces[0].t_s <= HISTORY_S);
    }
}
