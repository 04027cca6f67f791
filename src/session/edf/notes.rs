//! What a session's EDF+ annotations say: the pacer's phases, the practice
//! steps, class changes, safety events, gaps and link events, on the
//! session clock (`time_s` of the CSVs). Pure: built from what the session
//! folder holds.

use crate::analysis::{SafetyEvent, WindowResult};
use crate::pacer::Pattern;
use crate::session::meta::SessionMeta;

/// One annotation: onset and length on the session clock, s, and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub onset_s: f64,
    /// None for an instant.
    pub duration_s: Option<f64>,
    pub text: String,
}

impl Note {
    fn at(onset_s: f64, text: impl Into<String>) -> Self {
        Self {
            onset_s,
            duration_s: None,
            text: text.into(),
        }
    }

    fn over(onset_s: f64, duration_s: f64, text: impl Into<String>) -> Self {
        Self {
            onset_s,
            duration_s: Some(duration_s.max(0.0)),
            text: text.into(),
        }
    }
}

/// A gap in the rows: `lost` samples missing before the row at `resume_s`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowGap {
    pub first_lost_s: f64,
    pub lost: u64,
    pub resume_s: f64,
    /// The count was estimated from the host clock (see `session.json`).
    pub estimated: bool,
}

/// Every annotation of a session spanning `[start_s, end_s]` (the first and
/// one past the last sample), in time order.
pub fn session_notes(
    meta: &SessionMeta,
    windows: &[WindowResult],
    gaps: &[RowGap],
    start_s: f64,
    end_s: f64,
) -> Vec<Note> {
    let mut notes = Vec::new();
    if let Some(g) = &meta.calibration {
        notes.push(Note::at(
            start_s,
            format!(
                "Calibration: {} (chest x{}, belly x{}, {})",
                g.method,
                short(g.chest),
                short(g.belly),
                g.unit
            ),
        ));
    }
    practice_notes(meta, start_s, end_s, &mut notes);
    class_changes(windows, &mut notes);
    for e in &meta.safety_events {
        notes.push(safety_note(e, end_s));
    }
    for (g, n) in merged_gaps(gaps) {
        let about = if g.estimated { "about " } else { "" };
        notes.push(Note::over(
            g.first_lost_s,
            g.resume_s - g.first_lost_s,
            if n == 1 {
                format!(
                    "Gap: {about}{} samples lost, filled with the last value",
                    g.lost
                )
            } else {
                format!(
                    "Gaps: {about}{} samples lost in {n} gaps, filled with the last value",
                    g.lost
                )
            },
        ));
    }
    for e in &meta.events {
        let text = match e.kind.as_str() {
            "link_lost" => format!("Sensor link lost: {}", e.detail),
            "reconnected" => "Sensor reconnected".to_string(),
            kind if e.detail.is_empty() => format!("Note: {kind}"),
            kind => format!("Note: {kind}: {}", e.detail),
        };
        notes.push(Note::at(e.time_s, text));
    }
    // The recording's own span only; in time order (stable: same-time
    // notes keep the order above).
    notes.retain(|n| n.onset_s.is_finite() && n.onset_s >= start_s && n.onset_s <= end_s);
    notes.sort_by(|a, b| a.onset_s.total_cmp(&b.onset_s));
    notes
}

/// Gaps less than a second apart, as one span with their count: a device
/// that drops a sample now and then (16 a second in one real recording)
/// would otherwise fill every record's annotations, which EDF sizes by the
/// fullest record.
fn merged_gaps(gaps: &[RowGap]) -> Vec<(RowGap, usize)> {
    let mut out: Vec<(RowGap, usize)> = Vec::new();
    for g in gaps {
        match out.last_mut() {
            Some((m, n)) if g.first_lost_s - m.resume_s < 1.0 => {
                m.lost += g.lost;
                m.resume_s = g.resume_s;
                m.estimated |= g.estimated;
                *n += 1;
            }
            _ => out.push((*g, 1)),
        }
    }
    out
}

/// Practice start and end, and the pacer's phases between them.
fn practice_notes(meta: &SessionMeta, start_s: f64, end_s: f64, notes: &mut Vec<Note>) {
    let Some(p) = &meta.practice else { return };
    let Some(t0) = p.practice_start_s else { return };
    let pattern_text = p.pattern.clone().unwrap_or_default();
    notes.push(Note::at(
        t0,
        if pattern_text.is_empty() {
            "Practice: start".to_string()
        } else {
            format!("Practice: start, pacer {pattern_text}")
        },
    ));
    let practised = p.summary.as_ref().map(|s| s.minutes * 60.0);
    let t1 = practised.map_or(end_s, |d| (t0 + d).min(end_s));
    match &p.stopped_early {
        Some(why) => notes.push(Note::at(t1, format!("Practice: stopped early ({why})"))),
        None => notes.push(Note::at(t1, "Practice: end")),
    }
    // As the app starts it: a lengthening pattern from the measured rate.
    let pattern = match (Pattern::parse(&pattern_text), &p.baseline) {
        (Ok(Pattern::Lengthen(l)), Some(b)) => Ok(Pattern::Lengthen(l.starting_near(b.rate_bpm))),
        (p, _) => p,
    };
    if let Ok(pattern) = pattern {
        pacer_notes(&pattern, t0.max(start_s) - t0, t1 - t0, t0, notes);
    }
}

/// The pacer's phases in `[from, to]` pacer seconds, shifted by `t0`.
fn pacer_notes(pattern: &Pattern, from: f64, to: f64, t0: f64, notes: &mut Vec<Note>) {
    let starts: Vec<_> = pattern.phase_starts(from, to).collect();
    for (i, (t, phase)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(to, |n| n.0).min(to);
        if end > *t {
            notes.push(Note::over(
                t0 + t,
                end - t,
                format!("Pacer: {}", phase.label()),
            ));
        }
    }
}

/// A note where the window `class` changes (the first window included).
fn class_changes(windows: &[WindowResult], notes: &mut Vec<Note>) {
    let mut last = None;
    for w in windows {
        if last != Some(w.class) {
            notes.push(Note::at(w.t_s, format!("Class: {}", w.class.name())));
            last = Some(w.class);
        }
    }
}

fn safety_note(e: &SafetyEvent, end_s: f64) -> Note {
    let kind = serde_json::to_value(e.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let value = match e.kind {
        crate::analysis::EventKind::OverBreathingFast => {
            format!("{} breaths/min", short(e.value))
        }
        crate::analysis::EventKind::OverBreathingDeep => format!("{} x baseline", short(e.value)),
        _ => format!("{} s", short(e.value)),
    };
    let until = e.end_s.unwrap_or(end_s);
    Note::over(
        e.start_s,
        until - e.start_s,
        format!("Safety: {kind} ({value})"),
    )
}

/// A number in few digits.
fn short(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Class, EventKind};
    use crate::device::virtual_source::{virtual_info, VirtualConfig};
    use crate::practice::record::Practice;

    fn meta() -> SessionMeta {
        SessionMeta::new(virtual_info(&VirtualConfig::default()), chrono::Utc::now())
    }

    fn window(t: f64, class: Class) -> WindowResult {
        let mut w = WindowResult::no_signal(t, None);
        w.class = class;
        w
    }

    #[test]
    fn a_box_practice_gives_four_phases_a_cycle_and_its_start_and_stop() {
        let mut m = meta();
        m.practice = Some(Practice {
            pattern: Some("4-4-4-4".into()),
            practice_start_s: Some(30.0),
            stopped_early: Some("dizzy".into()),
            ..Default::default()
        });
        let notes = session_notes(&m, &[], &[], 0.0, 62.0);
        let pacer: Vec<_> = notes
            .iter()
            .filter(|n| n.text.starts_with("Pacer"))
            .collect();
        // 32 s of a 16 s cycle: eight phases of 4 s from 30 s on.
        assert_eq!(pacer.len(), 8, "{pacer:?}");
        assert_eq!((pacer[0].onset_s, pacer[0].duration_s), (30.0, Some(4.0)));
        assert_eq!(pacer[0].text, "Pacer: Breathe in");
        assert_eq!(pacer[1].text, "Pacer: Hold");
        assert_eq!(pacer[2].text, "Pacer: Breathe out");
        assert_eq!(pacer[7].onset_s, 58.0);
        let texts: Vec<_> = notes.iter().map(|n| n.text.as_str()).collect();
        assert!(
            texts.contains(&"Practice: start, pacer 4-4-4-4"),
            "{texts:?}"
        );
        assert!(
            texts.contains(&"Practice: stopped early (dizzy)"),
            "{texts:?}"
        );
        assert!(notes.windows(2).all(|w| w[0].onset_s <= w[1].onset_s));
    }

    #[test]
    fn gaps_close_together_are_one_note_with_their_count() {
        let gap = |t: f64| RowGap {
            first_lost_s: t,
            lost: 1,
            resume_s: t + 0.01,
            estimated: false,
        };
        // Sixteen one-sample gaps in a second, then one 5 s later.
        let mut gaps: Vec<_> = (0..16).map(|k| gap(10.0 + f64::from(k) * 0.06)).collect();
        gaps.push(gap(16.0));
        let notes = session_notes(&meta(), &[], &gaps, 0.0, 30.0);
        let texts: Vec<_> = notes.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Gaps: 16 samples lost in 16 gaps, filled with the last value",
                "Gap: 1 samples lost, filled with the last value"
            ]
        );
        assert_eq!(notes[0].onset_s, 10.0);
        assert!((notes[0].duration_s.unwrap() - 0.91).abs() < 1e-9);
    }

    #[test]
    fn class_changes_safety_events_and_gaps_are_noted_once_each() {
        let mut m = meta();
        m.safety_events.push(SafetyEvent {
            kind: EventKind::OverBreathingFast,
            start_s: 40.0,
            end_s: Some(52.5),
            value: 27.0,
        });
        let w = [
            window(10.0, Class::Belly),
            window(11.0, Class::Belly),
            window(12.0, Class::Chest),
            window(13.0, Class::Belly),
        ];
        let gaps = [RowGap {
            first_lost_s: 20.0,
            lost: 50,
            resume_s: 20.5,
            estimated: false,
        }];
        let notes = session_notes(&m, &w, &gaps, 0.0, 60.0);
        let classes: Vec<_> = notes
            .iter()
            .filter(|n| n.text.starts_with("Class"))
            .map(|n| (n.onset_s, n.text.as_str()))
            .collect();
        assert_eq!(
            classes,
            [
                (10.0, "Class: belly"),
                (12.0, "Class: chest"),
                (13.0, "Class: belly")
            ]
        );
        let safety = notes.iter().find(|n| n.text.starts_with("Safety")).unwrap();
        assert_eq!(safety.text, "Safety: over_breathing_fast (27 breaths/min)");
        assert_eq!((safety.onset_s, safety.duration_s), (40.0, Some(12.5)));
        let gap = notes.iter().find(|n| n.text.starts_with("Gap")).unwrap();
        assert_eq!((gap.onset_s, gap.duration_s), (20.0, Some(0.5)));
        assert_eq!(gap.text, "Gap: 50 samples lost, filled with the last value");
    }
}
