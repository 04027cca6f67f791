//! Runs a guided session beside a recording: moves the flow on the person's
//! actions, decides when the practice record is saved, when the session
//! folder closes and when late journal edits are written. Pure: it returns
//! [`Effect`]s that the app carries out (pipeline commands, the pacer, a
//! journal write), so it is tested without threads, a clock or a screen.

use super::flow::{PracticeFlow, Step};
use super::record::{CalibrationSource, Practice};
use crate::analysis::{Gains, Output};
use std::path::{Path, PathBuf};

/// The practice record is saved at least this often while a session runs
/// (device seconds), and on every step change.
pub const SYNC_EVERY_S: f64 = 5.0;

/// What the person asked for on the practice screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PracticeAction {
    Next,
    /// Measure the band gains now (both bands on the belly).
    MeasureGains,
    /// Take the gains just measured (the chest band is back in place).
    AcceptGains,
    /// Keep the calibration from an earlier session, already in use.
    KeepSavedGains,
    /// Go on without calibrating (the sensor's own scale).
    SkipCalibration,
    /// Leave the flow (summary read, or cancelled before practice).
    Close,
}

/// What the app must do for the runner.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Put this record in the open session's `session.json`.
    SavePractice(Practice),
    /// Save this last record and close the session folder (`reason`: why
    /// it ended). The app forgets the folder as the one being recorded.
    CloseRecording {
        practice: Practice,
        reason: String,
    },
    /// Write this record into the closed session folder `dir` (journal
    /// edits made after it closed); waits for any write still running.
    SaveJournal {
        dir: PathBuf,
        practice: Practice,
    },
    /// Start the pacer; the baseline tidal excursion for the over-breathing
    /// check ("2x deeper than usual").
    StartPacer {
        baseline_tidal: Option<f64>,
    },
    StopPacer,
    /// Apply gains just measured (and keep them for this sensor).
    UseGains(Gains),
}

/// What the runner reads of the app each time.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// Device time now, s.
    pub now_s: f64,
    /// The session folder being recorded, if any.
    pub recording: Option<&'a Path>,
    /// The last session folder the pipeline finished writing, if any.
    pub written: Option<&'a Path>,
    pub pacer_running: bool,
    /// A journal write is still running.
    pub journal_busy: bool,
    /// Pacer pattern in the `pacer` notation, for the record.
    pub pattern: &'a str,
}

/// A guided session and its bookkeeping.
#[derive(Debug, Clone, Default)]
pub struct PracticeRunner {
    flow: Option<PracticeFlow>,
    /// Step and device time of the last record sent.
    synced: Option<(Step, f64)>,
    /// Folder of the session just closed, until the pipeline has written
    /// it; later journal edits are then saved into it directly.
    closed_dir: Option<PathBuf>,
    /// The journal changed since the last record went out.
    journal_dirty: bool,
}

impl PracticeRunner {
    /// Starts following `flow` (a recording was just asked for).
    pub fn start(&mut self, flow: PracticeFlow) {
        *self = Self {
            flow: Some(flow),
            ..Self::default()
        };
    }

    /// The guided session, while one is shown.
    pub fn flow(&self) -> Option<&PracticeFlow> {
        self.flow.as_ref()
    }

    /// The guided session, to change it (journal fields, tests).
    pub fn flow_mut(&mut self) -> Option<&mut PracticeFlow> {
        self.flow.as_mut()
    }

    /// True while the session runs (not on its summary or advice screen).
    pub fn active(&self) -> bool {
        self.flow
            .as_ref()
            .is_some_and(|f| !matches!(f.step, Step::Summary | Step::Stopped))
    }

    /// The journal was edited: it reaches `session.json` at the next tick.
    pub fn journal_edited(&mut self) {
        self.synced = None;
        self.journal_dirty = true;
    }

    /// Takes one display point (for the gain measurement).
    pub fn display_point(&mut self, t_s: f64, chest: f64, belly: f64, gains: &Gains) {
        if let Some(f) = self.flow.as_mut() {
            f.display_point(t_s, chest, belly, gains);
        }
    }

    /// Takes one analysis output.
    pub fn analysis(&mut self, o: &Output) {
        if let Some(f) = self.flow.as_mut() {
            match o {
                Output::Window(w) => f.window(w),
                Output::Breath(b) => f.breath(b),
                Output::Event(e) => f.event(e),
            }
        }
    }

    /// Saves the record when the step changes (or every
    /// [`SYNC_EVERY_S`]), closes the folder after a dizziness stop, and
    /// starts or stops the pacer with the step.
    pub fn tick(&mut self, inp: &Inputs) -> Vec<Effect> {
        let mut out = Vec::new();
        let Some(f) = &self.flow else {
            return out;
        };
        let step = f.step;
        let due = match self.synced {
            Some((s, t)) => s != step || inp.now_s - t >= SYNC_EVERY_S,
            None => true,
        };
        if due && inp.recording.is_some() {
            self.synced = Some((step, inp.now_s));
            // A dizziness stop saves at once; after a full practice the
            // folder stays open on the summary for the journal.
            if step == Step::Stopped {
                out.extend(self.close_recording(inp));
            } else {
                out.push(Effect::SavePractice(f.record(inp.pattern)));
            }
        }
        out.extend(self.late_journal(inp, false));
        if matches!(step, Step::Summary | Step::Stopped) && inp.pacer_running {
            out.push(Effect::StopPacer);
        }
        if step == Step::Practice && !inp.pacer_running {
            let baseline_tidal = self.flow.as_ref().and_then(|f| f.baseline).map(|b| b.0);
            out.push(Effect::StartPacer { baseline_tidal });
        }
        out
    }

    /// Carries out the person's action.
    pub fn action(&mut self, a: PracticeAction, inp: &Inputs) -> Vec<Effect> {
        let now = inp.now_s;
        let Some(f) = self.flow.as_mut() else {
            return Vec::new();
        };
        match (a, f.step) {
            (PracticeAction::Next, Step::Prepare) => f.go(Step::BandCheck, now),
            (PracticeAction::Next, Step::BandCheck) => f.go(Step::Calibrate, now),
            (PracticeAction::MeasureGains, Step::Calibrate) => f.measure_gains(now),
            (PracticeAction::AcceptGains, Step::Calibrate) => {
                return f
                    .accept_gains(now)
                    .map(Effect::UseGains)
                    .into_iter()
                    .collect();
            }
            (PracticeAction::KeepSavedGains, Step::Calibrate) => {
                f.keep_gains(CalibrationSource::Saved, now)
            }
            (PracticeAction::SkipCalibration, Step::Calibrate) => {
                f.keep_gains(CalibrationSource::Skipped, now)
            }
            (PracticeAction::Close, _) => {
                let mut out: Vec<Effect> = self.close_recording(inp).into_iter().collect();
                out.extend(self.late_journal(inp, true));
                self.flow = None;
                return out;
            }
            _ => {}
        }
        Vec::new()
    }

    /// Stops the session at once (dizziness, discomfort).
    pub fn stop_dizzy(&mut self, inp: &Inputs) -> Vec<Effect> {
        if let Some(f) = self.flow.as_mut() {
            f.stop_dizzy(inp.now_s);
        }
        let mut out = vec![Effect::StopPacer];
        let ticked = self.tick(&Inputs {
            pacer_running: false,
            ..*inp
        });
        out.extend(ticked);
        out
    }

    /// The source is about to be closed (Disconnect, another source): a
    /// running session ends at once as stopped early, and its folder is
    /// closed with its record while the old pipeline can still take them.
    /// A session cannot go on across a source change: the new source has
    /// its own clock.
    pub fn source_closing(&mut self, inp: &Inputs) -> Vec<Effect> {
        if !self.active() {
            return Vec::new();
        }
        if let Some(f) = self.flow.as_mut() {
            f.stop_early(super::flow::DISCONNECTED, inp.now_s);
        }
        let mut out = vec![Effect::StopPacer];
        out.extend(self.close_recording(inp));
        out
    }

    /// The app closes: a running session is marked as stopped early, and
    /// its last record is returned for the pipeline to save as it closes.
    pub fn app_closing(&mut self, pattern: &str) -> Option<Practice> {
        let running = self.active();
        let f = self.flow.as_mut()?;
        if running {
            f.stopped_early = Some("app closed".into());
        }
        Some(f.record(pattern))
    }

    /// The final record and the close of the folder, once.
    fn close_recording(&mut self, inp: &Inputs) -> Option<Effect> {
        let f = self.flow.as_ref()?;
        let dir = inp.recording?;
        // Until the pipeline confirms, nothing is sent again.
        if self.closed_dir.as_deref() == Some(dir) {
            return None;
        }
        let reason = match &f.stopped_early {
            Some(r) => format!("stopped early: {r}"),
            None => "practice complete".into(),
        };
        self.closed_dir = Some(dir.to_path_buf());
        self.journal_dirty = false;
        Some(Effect::CloseRecording {
            practice: f.record(inp.pattern),
            reason,
        })
    }

    /// Journal edits made after the folder closed (on the advice screen),
    /// once the pipeline has written the folder. One write at a time: edits
    /// made meanwhile go in the next one; with `last` (the flow closes) a
    /// write in flight does not skip the final edits.
    fn late_journal(&mut self, inp: &Inputs, last: bool) -> Option<Effect> {
        if inp.journal_busy && !last {
            return None;
        }
        let (dir, f) = (self.closed_dir.as_ref()?, self.flow.as_ref()?);
        let written = inp.written == Some(dir.as_path());
        if !self.journal_dirty || !written {
            return None;
        }
        self.journal_dirty = false;
        Some(Effect::SaveJournal {
            dir: dir.clone(),
            practice: f.record(inp.pattern),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::practice::journal::Journal;

    fn inputs<'a>(
        now_s: f64,
        recording: Option<&'a Path>,
        written: Option<&'a Path>,
    ) -> Inputs<'a> {
        Inputs {
            now_s,
            recording,
            written,
            pacer_running: false,
            journal_busy: false,
            pattern: "6",
        }
    }

    fn runner() -> PracticeRunner {
        let mut r = PracticeRunner::default();
        r.start(PracticeFlow::new(
            0.0,
            3.0,
            chrono::Local::now().fixed_offset(),
        ));
        r
    }

    #[test]
    fn saves_on_each_step_change_and_every_five_seconds_only() {
        let dir = Path::new("/s/1");
        let mut r = runner();
        let saves = |e: &[Effect]| {
            e.iter()
                .filter(|e| matches!(e, Effect::SavePractice(_)))
                .count()
        };
        assert_eq!(
            saves(&r.tick(&inputs(0.0, None, None))),
            0,
            "not recording yet"
        );
        assert_eq!(saves(&r.tick(&inputs(0.5, Some(dir), None))), 1);
        assert_eq!(saves(&r.tick(&inputs(4.0, Some(dir), None))), 0);
        assert_eq!(saves(&r.tick(&inputs(5.6, Some(dir), None))), 1);
        r.action(PracticeAction::Next, &inputs(6.0, Some(dir), None));
        assert_eq!(saves(&r.tick(&inputs(6.0, Some(dir), None))), 1, "new step");
    }

    #[test]
    fn a_source_closing_mid_session_ends_it_early_and_closes_the_folder_once() {
        let dir = Path::new("/s/1");
        let mut r = runner();
        r.tick(&inputs(1.0, Some(dir), None));
        let e = r.source_closing(&inputs(2.0, Some(dir), None));
        assert_eq!(e[0], Effect::StopPacer);
        let Some(Effect::CloseRecording { practice, reason }) = e.get(1) else {
            panic!("{e:?}");
        };
        assert_eq!(reason, "stopped early: disconnected");
        assert_eq!(practice.stopped_early.as_deref(), Some("disconnected"));
        assert_eq!(r.flow().unwrap().step, Step::Stopped);
        assert!(!r.active());
        // Ended: another source change (Connect) changes nothing.
        assert!(r.source_closing(&inputs(3.0, Some(dir), None)).is_empty());
        assert!(r.tick(&inputs(9.0, Some(dir), None)).is_empty());
        // No session: nothing to do.
        assert!(PracticeRunner::default()
            .source_closing(&inputs(1.0, None, None))
            .is_empty());
    }

    #[test]
    fn dizzy_stop_closes_the_folder_once_and_late_journal_goes_into_it() {
        let dir = Path::new("/s/1");
        let mut r = runner();
        r.tick(&inputs(1.0, Some(dir), None));
        let e = r.stop_dizzy(&inputs(2.0, Some(dir), None));
        assert_eq!(e[0], Effect::StopPacer);
        let Some(Effect::CloseRecording { practice, reason }) = e.get(1) else {
            panic!("{e:?}");
        };
        assert_eq!(reason, "stopped early: dizzy");
        assert_eq!(practice.stopped_early.as_deref(), Some("dizzy"));
        // The app still lists the folder as recording until it confirms:
        // nothing is sent twice.
        assert!(r.tick(&inputs(9.0, Some(dir), None)).is_empty());
        // A journal entry on the advice screen, before and after the
        // pipeline wrote the folder.
        r.flow_mut().unwrap().journal_after =
            Journal::new(Some(3), None, Some(true), None).unwrap();
        r.journal_edited();
        assert!(
            r.tick(&inputs(10.0, None, None)).is_empty(),
            "not written yet"
        );
        let busy = Inputs {
            journal_busy: true,
            ..inputs(10.5, None, Some(dir))
        };
        assert!(r.tick(&busy).is_empty(), "one write at a time");
        let e = r.tick(&inputs(11.0, None, Some(dir)));
        let [Effect::SaveJournal { dir: d, practice }] = e.as_slice() else {
            panic!("{e:?}");
        };
        assert_eq!(d, dir);
        assert_eq!(practice.journal_after.as_ref().unwrap().neck_pain, Some(3));
        assert!(
            r.tick(&inputs(12.0, None, Some(dir))).is_empty(),
            "saved once"
        );
        // An edit while a write runs still goes out when the flow closes.
        r.journal_edited();
        let e = r.action(PracticeAction::Close, &busy);
        assert!(
            matches!(e.as_slice(), [Effect::SaveJournal { .. }]),
            "{e:?}"
        );
        assert!(r.flow().is_none());
    }

    #[test]
    fn the_pacer_runs_with_the_practice_step_and_gets_the_baseline() {
        let mut r = runner();
        let f = r.flow_mut().unwrap();
        f.baseline = Some((2.5, 12.0));
        f.go(Step::Practice, 40.0);
        let e = r.tick(&inputs(40.0, None, None));
        assert_eq!(
            e,
            vec![Effect::StartPacer {
                baseline_tidal: Some(2.5)
            }]
        );
        let running = Inputs {
            pacer_running: true,
            ..inputs(41.0, None, None)
        };
        assert!(r.tick(&running).is_empty());
        r.flow_mut().unwrap().go(Step::Summary, 220.0);
        assert_eq!(r.tick(&running), vec![Effect::StopPacer]);
    }

    #[test]
    fn close_after_a_full_practice_ends_the_session_as_complete() {
        let dir = Path::new("/s/2");
        let mut r = runner();
        r.flow_mut().unwrap().go(Step::Summary, 200.0);
        let e = r.action(PracticeAction::Close, &inputs(201.0, Some(dir), None));
        let [Effect::CloseRecording { reason, .. }] = e.as_slice() else {
            panic!("{e:?}");
        };
        assert_eq!(reason, "practice complete");
        assert!(r.flow().is_none() && !r.active());
    }

    #[test]
    fn closing_the_app_marks_a_running_session_only() {
        let mut r = runner();
        assert_eq!(
            r.app_closing("6").unwrap().stopped_early.as_deref(),
            Some("app closed")
        );
        let mut done = runner();
        done.flow_mut().unwrap().go(Step::Summary, 200.0);
        assert_eq!(done.app_closing("6").unwrap().stopped_early, None);
        assert!(PracticeRunner::default().app_closing("6").is_none());
    }
}
