//! Where every sample read goes: the session folder (while one is being
//! written), the live analysis and the display traces. Both
//! `breathband record` and the app drive one, and it is the one place that
//! counts what the live analysis could not take.

use super::averager::Averager;
use super::messages::DisplayPoint;
use crate::acquisition::{AcqEvent, CounterSnapshot, Sample};
use crate::analysis::live::LiveAnalysis;
use crate::analysis::{AnalysisConfig, Gains, Output};
use crate::session::meta::{SessionMeta, SessionStatus};
use crate::session::writer::{push_event, FlushError, SessionWriter};
use ringbuf::traits::Producer;
use ringbuf::HeapProd;
use std::path::PathBuf;
use std::sync::atomic::Ordering::Relaxed;

/// How the live analysis runs: its settings and how many seconds of
/// samples may wait for it.
#[derive(Debug, Clone, Copy)]
pub struct AnalysisPlan {
    pub config: AnalysisConfig,
    pub backlog_s: f64,
    /// Wait for room in the analysis ring rather than skip samples (the
    /// CLI: the acquisition ring buffers meanwhile, and a block larger
    /// than the ring goes in as the analysis drains it). The app never
    /// waits.
    pub wait: bool,
}

/// The fan-out of samples (see the module doc).
pub struct Fanout {
    plan: AnalysisPlan,
    writer: Option<SessionWriter>,
    analysis: Option<LiveAnalysis>,
    rate: f64,
    display: Option<HeapProd<DisplayPoint>>,
    averager: Option<Averager>,
    /// Samples and results the analysis lost, from analyses already replaced
    /// and from its input ring being full.
    skipped: u64,
    /// [`Self::skipped`] when the session folder was opened.
    skipped_at_start: u64,
}

impl Fanout {
    /// A fan-out whose analysis runs by `plan`, drawing traces into
    /// `display` if given. Nothing runs until [`Self::connect`].
    pub fn new(plan: AnalysisPlan, display: Option<HeapProd<DisplayPoint>>) -> Self {
        Self {
            plan,
            writer: None,
            analysis: None,
            rate: 0.0,
            display,
            averager: None,
            skipped: 0,
            skipped_at_start: 0,
        }
    }

    /// A device at `rate` Hz is there: the analysis (re)starts in the units
    /// of `gains`, and so do the traces.
    pub fn connect(&mut self, rate: f64, gains: &Gains) {
        self.rate = rate;
        self.restart_analysis(gains);
        if self.display.is_some() {
            self.averager = Some(Averager::new(rate, gains));
        }
    }

    /// Whether an analysis runs, and at what sample rate.
    pub fn connected_rate(&self) -> Option<f64> {
        self.analysis.as_ref().map(|_| self.rate)
    }

    /// New band gains (a calibration): the analysis starts again in the new
    /// units, the traces use them, and the session records them.
    pub fn set_gains(&mut self, gains: &Gains) {
        self.restart_analysis(gains);
        if let Some(a) = self.averager.as_mut() {
            a.set_gains(gains);
        }
        if let Some(w) = self.writer.as_mut() {
            w.set_gains(gains);
        }
    }

    fn restart_analysis(&mut self, gains: &Gains) {
        if let Some(old) = self.analysis.take() {
            // Its output not yet read is from the old units: not kept.
            self.skipped += old.dropped.load(Relaxed);
        }
        let capacity = (self.rate * self.plan.backlog_s) as usize;
        self.analysis = Some(LiveAnalysis::spawn(
            self.plan.config,
            self.rate,
            gains,
            capacity,
        ));
    }

    /// The running analysis (for its baseline), if any.
    pub fn analysis(&self) -> Option<&LiveAnalysis> {
        self.analysis.as_ref()
    }

    /// Writes everything from now on into `w`.
    pub fn start_recording(&mut self, w: SessionWriter) {
        self.skipped_at_start = self.skipped();
        self.writer = Some(w);
    }

    /// The session folder being written, if any.
    pub fn recording(&mut self) -> Option<&mut SessionWriter> {
        self.writer.as_mut()
    }

    /// Hands samples to the session, the analysis and the traces.
    pub fn samples(&mut self, s: &[Sample]) {
        if let Some(w) = self.writer.as_mut() {
            w.samples(s);
        }
        if let Some(a) = self.analysis.as_mut() {
            let mut done = a.input.push_slice(s);
            while self.plan.wait && done < s.len() && a.is_running() {
                std::thread::sleep(std::time::Duration::from_millis(1));
                done += a.input.push_slice(&s[done..]);
            }
            self.skipped += (s.len() - done) as u64;
        }
        if let (Some(av), Some(prod)) = (self.averager.as_mut(), self.display.as_mut()) {
            for x in s {
                av.push(x, prod);
            }
        }
    }

    /// Ends the session's span at index `end` (see
    /// [`SessionWriter::end_span`]).
    pub fn end_span(&mut self, end: u64) {
        if let Some(w) = self.writer.as_mut() {
            w.end_span(end);
        }
    }

    /// Records a gap or link event in the session.
    pub fn event(&mut self, ev: &AcqEvent) {
        if let Some(w) = self.writer.as_mut() {
            w.acq_event(ev);
        }
    }

    /// Writes the analysis output that is ready into the session and hands
    /// each to `f`. True when there was any.
    pub fn drain_analysis(&mut self, mut f: impl FnMut(Output)) -> bool {
        let Some(a) = &self.analysis else {
            return false;
        };
        let mut any = false;
        while let Ok(o) = a.output.try_recv() {
            any = true;
            if let Some(w) = self.writer.as_mut() {
                w.output(&o);
            }
            f(o);
        }
        any
    }

    /// Lets the analysis process every sample handed to it, then ends it;
    /// its last output stays for [`Self::drain_analysis`].
    pub fn finish_analysis(&mut self) {
        if let Some(a) = self.analysis.as_mut() {
            a.finish();
        }
    }

    /// Samples and results the analysis lost so far.
    pub fn skipped(&self) -> u64 {
        self.skipped
            + self
                .analysis
                .as_ref()
                .map_or(0, |a| a.dropped.load(Relaxed))
    }

    /// Flushes the session if its time has come.
    pub fn flush_if_due(&mut self, counters: &CounterSnapshot) -> Result<(), FlushError> {
        match self.writer.as_mut() {
            Some(w) => w.flush_if_due(counters),
            None => Ok(()),
        }
    }

    /// Closes the session folder, noting in `session.json` what the analysis
    /// skipped while it was written. `None` when none was open.
    pub fn stop_recording(
        &mut self,
        status: SessionStatus,
        reason: String,
        counters: &CounterSnapshot,
    ) -> Option<(PathBuf, SessionMeta, Option<String>)> {
        let lost = self.skipped() - self.skipped_at_start;
        let mut w = self.writer.take()?;
        if lost > 0 {
            let t = w.time_s();
            push_event(
                &mut w.meta,
                t,
                "warning",
                format!("live analysis fell behind: {lost} samples or results skipped; run `breathband analyze` on the session"),
            );
        }
        Some(w.finish(status, reason, counters))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::virtual_source::{virtual_info, VirtualConfig};
    use crate::device::DeviceInfo;
    use crate::session::writer::SessionTarget;
    use ringbuf::traits::{Consumer, Split};
    use ringbuf::HeapRb;
    use std::time::Duration;

    fn device(rate: f64) -> DeviceInfo {
        virtual_info(&VirtualConfig {
            sample_rate_hz: rate,
            ..Default::default()
        })
    }

    /// A fanout connected at 100 Hz to the virtual sensor, with room for
    /// `backlog_s` in the analysis ring; its device and gains.
    fn connected(backlog_s: f64, wait: bool) -> (Fanout, DeviceInfo, Gains) {
        let info = device(100.0);
        let gains = Gains::from_scales(info.scales());
        let plan = AnalysisPlan {
            config: AnalysisConfig::default(),
            backlog_s,
            wait,
        };
        let mut f = Fanout::new(plan, None);
        f.connect(100.0, &gains);
        (f, info, gains)
    }

    /// A session writer into exactly `dir`.
    fn writer(dir: &std::path::Path, info: &DeviceInfo, gains: &Gains) -> SessionWriter {
        SessionWriter::create(
            &SessionTarget::Exact(dir.to_path_buf()),
            info,
            gains,
            Duration::from_millis(500),
        )
        .unwrap()
    }

    fn samples(from: u64, n: u64) -> Vec<Sample> {
        (from..from + n)
            .map(|i| Sample {
                index: i,
                chest: 100,
                belly: 200,
                ..Default::default()
            })
            .collect()
    }

    #[test]
    fn a_full_analysis_ring_is_counted_and_noted_in_the_session() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("s");
        // Room for 0.1 s of samples only.
        let (mut f, info, gains) = connected(0.1, false);
        f.start_recording(writer(&dir, &info, &gains));
        f.samples(&samples(0, 1000));
        assert!(f.skipped() >= 990, "{}", f.skipped());
        let (_, meta, err) = f
            .stop_recording(SessionStatus::Complete, "done".into(), &Default::default())
            .unwrap();
        assert_eq!(err, None);
        assert_eq!(meta.samples_written, 1000);
        let warn = meta
            .events
            .iter()
            .find(|e| e.kind == "warning")
            .expect("a warning");
        assert!(
            warn.detail.contains("live analysis fell behind"),
            "{warn:?}"
        );
        let on_disk = SessionMeta::read(&dir).unwrap();
        assert_eq!(on_disk.events.len(), meta.events.len());
    }

    #[test]
    fn a_recording_started_mid_stream_is_as_long_as_what_it_holds() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("s");
        let (mut f, info, gains) = connected(60.0, false);
        // 408 s of signal before the person starts a 2 s session.
        f.samples(&samples(0, 40_800));
        f.start_recording(writer(&dir, &info, &gains));
        f.samples(&samples(40_800, 200));
        let (_, meta, err) = f
            .stop_recording(SessionStatus::Complete, "done".into(), &Default::default())
            .unwrap();
        assert_eq!(err, None);
        assert_eq!((meta.duration_s, meta.start_s), (2.0, 408.0));
        let on_disk = SessionMeta::read(&dir).unwrap();
        assert_eq!((on_disk.duration_s, on_disk.start_s), (2.0, 408.0));
    }

    #[test]
    fn a_session_counts_only_its_own_losses_and_errors() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("s");
        let (mut f, info, gains) = connected(60.0, false);
        let gap = |at: u64, lost: u64| AcqEvent::Gap {
            at_index: at,
            lost,
            estimated: false,
        };
        // The live view lost 50 samples and saw 7 bad frames before the
        // session; the reader is already past the session's end (a gap at
        // 1_500) when the session stops after index 1_299, cut at 1_305.
        let before = CounterSnapshot {
            crc_errors: 7,
            samples_lost: 50,
            samples: 900,
            ..Default::default()
        };
        let mut w = writer(&dir, &info, &gains);
        w.set_counter_baseline(&before);
        f.event(&gap(950, 50));
        f.start_recording(w);
        f.samples(&samples(1_000, 100));
        f.event(&gap(1_103, 3));
        f.event(&gap(1_500, 40));
        f.samples(&samples(1_103, 197));
        // Cut at 1_305 (`--seconds`): the five before it are lost too.
        f.end_span(1_305);
        let link = CounterSnapshot {
            crc_errors: 12,
            samples_lost: 93,
            samples: 1_600,
            ..Default::default()
        };
        let (_, meta, err) = f
            .stop_recording(SessionStatus::Complete, "done".into(), &link)
            .unwrap();
        assert_eq!(err, None);
        assert_eq!(meta.samples_written, 297);
        let c = meta.counters;
        assert_eq!((c.samples, c.samples_lost, c.crc_errors), (297, 8, 5));
        assert_eq!(meta.gaps.len(), 1, "{:?}", meta.gaps);
        assert_eq!((meta.gaps[0].index, meta.gaps[0].lost_samples), (1_103, 3));
        let on_disk = SessionMeta::read(&dir).unwrap();
        assert_eq!(on_disk.counters, c);
    }

    #[test]
    fn a_waiting_fanout_hands_a_block_larger_than_the_ring_to_the_analysis_whole() {
        // Room for 0.1 s; a block of 20 s.
        let (mut f, _, _) = connected(0.1, true);
        f.samples(&samples(0, 2000));
        f.finish_analysis();
        let mut windows = 0;
        f.drain_analysis(|o| windows += matches!(o, Output::Window(_)) as usize);
        assert_eq!(f.skipped(), 0);
        // A window a second once the first 10 s are in: all 20 s were seen.
        assert!(windows >= 10, "{windows}");
    }

    #[test]
    fn traces_follow_new_gains() {
        let (prod, mut cons) = HeapRb::<DisplayPoint>::new(64).split();
        let plan = AnalysisPlan {
            config: AnalysisConfig::default(),
            backlog_s: 1.0,
            wait: false,
        };
        let mut f = Fanout::new(plan, Some(prod));
        let info = device(25.0);
        f.connect(25.0, &Gains::from_scales(info.scales()));
        assert_eq!(f.connected_rate(), Some(25.0));
        f.samples(&samples(0, 1));
        let before = cons.try_pop().unwrap();
        let g = Gains {
            chest: 2.0,
            belly: 0.5,
            ..Gains::from_scales(info.scales())
        };
        f.set_gains(&g);
        f.samples(&samples(1, 1));
        let after = cons.try_pop().unwrap();
        assert_eq!(after.chest, 200.0);
        assert_eq!(after.belly, 100.0);
        assert_ne!(before, after);
        assert_eq!(f.skipped(), 0);
    }
}
