//! When the window is drawn next. Drawing is what the app costs (in
//! software rendering, 30-50 ms of CPU a frame), so it draws only when
//! something on screen changes: the traces, the loop and the numbers a few
//! times a second (breathing is at 0.05-0.5 Hz, display points come at
//! 25 Hz), the pacer smoothly while it moves (more often on the calm
//! practice screen, where a frame is cheap), and nothing while the
//! window is minimised or covered. The recording runs on the pipeline's own
//! threads and never waits for a frame; while hidden the app still wakes,
//! without drawing, to drain the pipeline's queues (see [`HIDDEN`]).

use std::time::Duration;

/// Traces, loop, gauge and breaths: 5 frames a second.
pub const LIVE: Duration = Duration::from_millis(200);
/// The calm practice screen's breathing shape while it grows or shrinks:
/// 20 frames a second (the screen holds little else, so a frame is cheap).
pub const PACER: Duration = Duration::from_millis(50);
/// The pacer bar on the full dashboard: 10 frames a second (a bar of 600
/// points filling in 4 s moves 15 points a frame). Each frame there also
/// redraws the traces, the loop and the breaths: at 20 frames a second the
/// live view with the pacer took about 42 % of a core under Xvfb.
pub const PACER_DASHBOARD: Duration = Duration::from_millis(100);
/// Minimised or covered: eframe paints nothing and only runs the app's
/// logic, which drains the queues (display ring, messages) and keeps a
/// guided session's bookkeeping going. Once a second fits them with a wide
/// margin (see the drain tests in `breathband_app`).
pub const HIDDEN: Duration = Duration::from_secs(1);

/// What decides the next frame, read each frame.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RepaintState {
    /// The window is minimised or fully covered (egui's
    /// `ViewportInfo::visible() == Some(false)`).
    pub hidden: bool,
    /// A pipeline is open (connecting, live, replaying): new points come.
    pub live: bool,
    /// The pacer runs: `Some(seconds to the end of the phase)` during a
    /// hold (the bar stands still), `None` while it fills or empties.
    pub pacer: Option<PacerMotion>,
    /// The calm practice screen is up (the pacer's shape alone), not the
    /// full dashboard.
    pub calm: bool,
}

/// The pacer's motion now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PacerMotion {
    /// Breathing in or out: the bar moves.
    Moving,
    /// A hold: the bar stands still for this many more seconds.
    Hold { seconds_left: f64 },
}

/// How long until the next frame; `None`: only on input (mouse, keys), an
/// egui animation (a spinner asks for its own frames) or a background
/// thread asking for one (a finished job, a pipeline message).
pub fn next_repaint(s: &RepaintState) -> Option<Duration> {
    if s.hidden {
        // Only logic runs (nothing is painted); keep the queues drained.
        return (s.live || s.pacer.is_some()).then_some(HIDDEN);
    }
    let step = if s.calm { PACER } else { PACER_DASHBOARD };
    let pacer = s.pacer.map(|m| match m {
        PacerMotion::Moving => step,
        // The countdown ticks at the live rate; the bar starts moving again
        // on time.
        PacerMotion::Hold { seconds_left } if seconds_left.is_finite() => {
            Duration::from_secs_f64(seconds_left.clamp(0.0, LIVE.as_secs_f64())).max(step)
        }
        PacerMotion::Hold { .. } => step,
    });
    let live = s.live.then_some(LIVE);
    match (pacer, live) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live() -> RepaintState {
        RepaintState {
            live: true,
            ..Default::default()
        }
    }

    #[test]
    fn nothing_on_screen_moves_no_frames() {
        assert_eq!(next_repaint(&RepaintState::default()), None);
    }

    #[test]
    fn live_view_draws_a_few_times_a_second() {
        assert_eq!(next_repaint(&live()), Some(LIVE));
        assert!(LIVE >= Duration::from_millis(100) && LIVE <= Duration::from_millis(200));
    }

    #[test]
    fn a_moving_pacer_draws_smoothly_with_or_without_a_source() {
        let s = RepaintState {
            pacer: Some(PacerMotion::Moving),
            ..live()
        };
        assert_eq!(next_repaint(&s), Some(PACER_DASHBOARD));
        let alone = RepaintState {
            pacer: Some(PacerMotion::Moving),
            ..Default::default()
        };
        assert_eq!(next_repaint(&alone), Some(PACER_DASHBOARD));
        // The calm screen's shape, alone on screen, moves more smoothly.
        let calm = RepaintState { calm: true, ..s };
        assert_eq!(next_repaint(&calm), Some(PACER));
        assert!(PACER >= Duration::from_millis(33) && PACER <= Duration::from_millis(50));
        assert!(PACER_DASHBOARD < LIVE);
    }

    #[test]
    fn a_hold_ticks_at_the_live_rate_and_wakes_for_the_next_phase() {
        let hold = |left| RepaintState {
            pacer: Some(PacerMotion::Hold { seconds_left: left }),
            ..Default::default()
        };
        assert_eq!(next_repaint(&hold(3.0)), Some(LIVE));
        assert_eq!(next_repaint(&hold(0.15)), Some(Duration::from_millis(150)));
        // Never faster than the moving pacer, even at the very end.
        assert_eq!(next_repaint(&hold(0.0)), Some(PACER_DASHBOARD));
        assert_eq!(next_repaint(&hold(f64::NAN)), Some(PACER_DASHBOARD));
        let calm = RepaintState {
            calm: true,
            ..hold(0.0)
        };
        assert_eq!(next_repaint(&calm), Some(PACER));
    }

    #[test]
    fn minimised_or_covered_only_wakes_to_drain() {
        for s in [
            live(),
            RepaintState {
                pacer: Some(PacerMotion::Moving),
                ..live()
            },
            RepaintState {
                pacer: Some(PacerMotion::Hold { seconds_left: 2.0 }),
                ..Default::default()
            },
        ] {
            let hidden = RepaintState { hidden: true, ..s };
            assert_eq!(next_repaint(&hidden), Some(HIDDEN), "{s:?}");
        }
        let idle = RepaintState {
            hidden: true,
            ..Default::default()
        };
        assert_eq!(next_repaint(&idle), None);
    }

    #[test]
    fn the_display_ring_outlasts_the_slowest_drain_by_far() {
        use crate::live::{DISPLAY_HZ, DISPLAY_RING};
        let slowest = [LIVE, PACER, HIDDEN].into_iter().max().unwrap();
        let points = slowest.as_secs_f64() * DISPLAY_HZ;
        assert!(
            DISPLAY_RING as f64 > 50.0 * points,
            "{points} points a drain"
        );
    }
}
