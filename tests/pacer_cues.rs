//! The pacer's audio cues in the offline render (through the real binary
//! and the library): the tone's pitch follows the breath, chimes land on
//! the schedule, holds are silent, and nothing clicks.

mod common;
use breathband::audio::voices::{Tone, CHIME_PEAK, TONE_HIGH_HZ, TONE_PEAK};
use breathband::audio::wav::render;
use breathband::audio::{Command, CueStyle};
use breathband::pacer::{Pattern, Phase};
use common::audio::*;

#[test]
fn tone_pitch_rises_on_inhale_and_falls_on_exhale() {
    let (spec, x) = render_with_binary(&["--pattern", "6", "--cue", "tone", "--seconds", "30"]);
    assert_eq!(
        (spec.channels, spec.bits_per_sample, spec.sample_rate),
        (1, 16, SR)
    );
    assert_eq!(x.len(), 30 * SR as usize);
    let sr = f64::from(SR);
    let pattern = Pattern::default();
    let frame = (0.05 * sr) as usize;
    let mut worst_rel = 0.0f64;
    let (mut inhale_pts, mut exhale_pts) = (vec![], vec![]);
    for (k, f) in x.chunks_exact(frame).enumerate() {
        let mid = (k as f64 + 0.5) * frame as f64 / sr;
        let st = pattern.state_at(mid);
        if !(0.1..=29.9).contains(&mid) {
            continue;
        }
        let hz = zero_crossing_hz(f, sr).expect("tone audible");
        let want = Tone::pitch_hz(st.fill());
        worst_rel = worst_rel.max((hz / want - 1.0).abs());
        let pos = mid - st.phase_start_s;
        match st.phase {
            Phase::Inhale => inhale_pts.push((st.cycle_index, pos, hz)),
            Phase::Exhale => exhale_pts.push((st.cycle_index, pos, hz)),
            _ => unreachable!(),
        }
    }
    // Frame by frame: up through each inhale, down through each exhale
    // (away from the turning points, where the pitch is flat).
    let mut checked = 0;
    for pts in [&inhale_pts, &exhale_pts] {
        for w in pts.windows(2) {
            let ((c0, p0, f0), (c1, p1, f1)) = (w[0], w[1]);
            let len = if std::ptr::eq(pts, &inhale_pts) {
                4.0
            } else {
                6.0
            };
            if c0 != c1 || p0 < 0.3 || p1 > len - 0.3 {
                continue;
            }
            if std::ptr::eq(pts, &inhale_pts) {
                assert!(
                    f1 > f0,
                    "inhale pitch fell at {p1:.2} s: {f0:.1} -> {f1:.1}"
                );
            } else {
                assert!(
                    f1 < f0,
                    "exhale pitch rose at {p1:.2} s: {f0:.1} -> {f1:.1}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 400, "{checked}");
    assert!(
        worst_rel < 0.01,
        "pitch off the schedule by {:.2} %",
        worst_rel * 100.0
    );
    // Slopes by a straight-line fit over the middle half of each phase.
    let slope = |pts: &[(u64, f64, f64)], len: f64| {
        let mid: Vec<(f64, f64)> = pts
            .iter()
            .filter(|p| p.1 > len * 0.25 && p.1 < len * 0.75)
            .map(|p| (p.1, p.2))
            .collect();
        let n = mid.len() as f64;
        let (mx, my) = (
            mid.iter().map(|p| p.0).sum::<f64>() / n,
            mid.iter().map(|p| p.1).sum::<f64>() / n,
        );
        let sxy: f64 = mid.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        let sxx: f64 = mid.iter().map(|p| (p.0 - mx).powi(2)).sum();
        sxy / sxx
    };
    let (up, down) = (slope(&inhale_pts, 4.0), slope(&exhale_pts, 6.0));
    eprintln!(
        "tone pitch: mid-inhale slope {up:+.1} Hz/s, mid-exhale slope {down:+.1} Hz/s, \
         worst deviation from schedule {:.3} %",
        worst_rel * 100.0
    );
    assert!(up > 30.0 && down < -20.0, "{up} {down}");
}

#[test]
fn chime_onsets_follow_the_schedule_within_10_ms() {
    let mut worst_ms = 0.0f64;
    for (pattern, secs) in [
        ("6", 40.0),
        ("4-7-8", 40.0),
        ("box", 33.0),
        ("lengthen:12-6:1", 90.0),
    ] {
        let (spec, x) = render_with_binary(&[
            "--pattern",
            pattern,
            "--cue",
            "chime",
            "--seconds",
            &secs.to_string(),
            "--volume",
            "0.8",
        ]);
        let sr = f64::from(spec.sample_rate);
        let want = chime_times(&Pattern::parse(pattern).unwrap(), secs - 0.5);
        let got: Vec<usize> = onsets(&x, sr, 0.02)
            .into_iter()
            .filter(|i| (*i as f64) < (secs - 0.5) * sr)
            .collect();
        assert_eq!(got.len(), want.len(), "{pattern}: {got:?} vs {want:?}");
        for (g, w) in got.iter().zip(&want) {
            let err_ms = (*g as f64 / sr - w) * 1000.0;
            assert!(
                err_ms.abs() < 10.0,
                "{pattern}: onset at {w} s off by {err_ms:.2} ms"
            );
            worst_ms = worst_ms.max(err_ms.abs());
        }
        // The two chimes differ in pitch: inhale higher than exhale.
        let inhale = zero_crossing_hz(&x[got[0] + 200..got[0] + 2400], sr).unwrap();
        let exhale = zero_crossing_hz(&x[got[1] + 200..got[1] + 2400], sr).unwrap();
        assert!(inhale > exhale * 1.2, "{pattern}: {inhale} vs {exhale}");
    }
    eprintln!("chime onsets: worst error {worst_ms:.2} ms against the schedule");
}

#[test]
fn tone_is_silent_during_holds_of_4_7_8() {
    let (_, x) = render_with_binary(&["--pattern", "4-7-8", "--seconds", "40", "--volume", "1"]);
    let s = |t: f64| (t * f64::from(SR)) as usize;
    for cycle in 0..2 {
        let c0 = 19.0 * f64::from(cycle);
        // The hold after the inhale: exact digital silence.
        let hold = &x[s(c0 + 4.0)..s(c0 + 11.0)];
        assert!(
            hold.iter().all(|v| *v == 0.0),
            "sound in hold of cycle {cycle}"
        );
        // Inhale and exhale sound, apart from the fades next to the hold.
        assert!(rms(&x[s(c0 + 0.5)..s(c0 + 3.5)]) > 0.15);
        assert!(rms(&x[s(c0 + 11.5)..s(c0 + 18.5)]) > 0.15);
    }
}

/// Box breathing (4-4-4-4) has a hold after the exhale too: silent, for
/// the tone and, apart from the decaying exhale chime, for the chimes.
#[test]
fn box_is_silent_in_the_hold_after_the_exhale() {
    let (_, x) = render_with_binary(&["--pattern", "box", "--seconds", "48", "--volume", "1"]);
    let s = |t: f64| (t * f64::from(SR)) as usize;
    for cycle in 0..3 {
        let c0 = 16.0 * f64::from(cycle);
        for (what, from, to) in [
            ("after the inhale", 4.0, 8.0),
            ("after the exhale", 12.0, 16.0),
        ] {
            let hold = &x[s(c0 + from)..s(c0 + to)];
            assert!(
                hold.iter().all(|v| *v == 0.0),
                "tone: sound in the hold {what}, cycle {cycle}"
            );
        }
        // The exhale before that hold sounds (away from its fades).
        assert!(rms(&x[s(c0 + 8.5)..s(c0 + 11.5)]) > 0.15, "cycle {cycle}");
    }
    // Chimes: one at the start of the inhale and of the exhale; nothing
    // new starts in either hold, and the exhale chime has died away before
    // the inhale chime of the next cycle.
    let sr = f64::from(SR);
    let c = render(settings("box", CueStyle::Chime, 1.0), SR, 48.0);
    let got = onsets(&c, sr, 0.02);
    let want = chime_times(&Pattern::parse("box").unwrap(), 48.0);
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for cycle in 0..3 {
        let c0 = 16.0 * f64::from(cycle);
        let tail = &c[s(c0 + 15.0)..s(c0 + 16.0)];
        let loudest = tail.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert!(
            loudest < 0.01,
            "chime still sounding late in the hold: {loudest}"
        );
    }
}

#[test]
fn no_clicks_at_start_stop_and_phase_boundaries() {
    let sr = f64::from(SR);
    for pattern in ["6", "box", "4-7-8", "2-0-3-1"] {
        let x = render(settings(pattern, CueStyle::Tone, 1.0), SR, 25.0);
        // A click is a step the sound itself cannot make: the steepest step
        // of a full-level sine at the highest pitch, with 5 % margin.
        let bound = (std::f64::consts::TAU * TONE_HIGH_HZ / sr * TONE_PEAK * 1.05) as f32;
        let step = max_step(&x);
        assert!(step <= bound, "{pattern}: step {step} > {bound}");
        assert!(x[0].abs() < 1e-3 && x[x.len() - 1].abs() < 1e-3);
        let p = Pattern::parse(pattern).unwrap();
        for (t, _) in p.phase_starts(0.1, 24.0) {
            let i = (t * sr) as usize;
            let around = max_step(&x[i - 50..i + 50]);
            assert!(around <= bound, "{pattern} at {t} s: {around}");
        }
    }
    // Chimes: bounded by the steepest step of their partials.
    let x = render(settings("1-1.5", CueStyle::Chime, 1.0), SR, 10.0);
    let partials = 1.0 * 1.0 + 2.0 * 0.4 + 3.0 * 0.15;
    let bound = (std::f64::consts::TAU * 880.0 * partials / sr * CHIME_PEAK / 1.55 * 1.05) as f32;
    assert!(max_step(&x) <= bound, "{} > {bound}", max_step(&x));
    assert!(x[0].abs() < 1e-3 && x[x.len() - 1].abs() < 1e-3);
}

#[test]
fn live_commands_fade_without_clicks() {
    use breathband::audio::Synth;
    let mut s = Synth::new(SR, settings("6", CueStyle::Tone, 1.0));
    let mut x = vec![];
    let mut run = |s: &mut Synth, secs: f64| {
        for _ in 0..(secs * f64::from(SR)) as usize {
            x.push(s.next_sample());
        }
    };
    s.apply(Command::Start { at_s: 1.3 });
    run(&mut s, 1.0);
    s.apply(Command::SetVolume(0.2));
    run(&mut s, 0.5);
    s.apply(Command::SetMute(true));
    run(&mut s, 0.5);
    s.apply(Command::SetMute(false));
    run(&mut s, 0.5);
    s.apply(Command::SetPattern(Pattern::parse("box").unwrap()));
    s.apply(Command::Start { at_s: 0.0 });
    run(&mut s, 1.0);
    s.apply(Command::SetCue(CueStyle::Chime));
    run(&mut s, 1.0);
    s.apply(Command::Stop);
    run(&mut s, 0.5);
    let bound =
        (std::f64::consts::TAU * 880.0 * 2.25 / f64::from(SR) * CHIME_PEAK / 1.55 * 1.05) as f32;
    let tone_part = &x[..(4.5 * f64::from(SR)) as usize];
    let tone_bound =
        (std::f64::consts::TAU * TONE_HIGH_HZ / f64::from(SR) * TONE_PEAK * 1.05) as f32;
    assert!(max_step(tone_part) <= tone_bound, "{}", max_step(tone_part));
    assert!(max_step(&x) <= bound);
    assert!(x[x.len() - 1000..].iter().all(|v| *v == 0.0));
}
