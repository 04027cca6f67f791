//! The program panels of History, clicked as a person would (egui_kittest,
//! headless): set a three-a-day plan and see the calendar follow it, a
//! wrong time refused in words, a check-in saved and listed, and the
//! advice to see a physiotherapist after three flat weeks.

mod common;
use breathband::app::BreathbandApp;
use breathband::program::checkin::CheckIn;
use breathband::program::store;
use common::app_panels::settings;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use std::path::Path;

fn app(data: &Path) -> Harness<'static, BreathbandApp> {
    let mut app = BreathbandApp::new(settings());
    app.sessions_dir = Some(data.join("sessions"));
    app.show_history = true;
    app.reload_history();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1200.0, 1400.0))
        .build_ui_state(
            |ui, app: &mut BreathbandApp| {
                app.drain();
                app.show(ui);
            },
            app,
        );
    until(&mut h, |a| a.history.is_some());
    h
}

fn until(h: &mut Harness<'static, BreathbandApp>, done: impl Fn(&BreathbandApp) -> bool) {
    let t = std::time::Instant::now();
    while !done(h.state()) {
        assert!(t.elapsed().as_secs() < 10, "timed out");
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.step();
}

fn note_is(h: &mut Harness<'static, BreathbandApp>, start: &str) {
    let s = start.to_string();
    until(h, move |a| {
        a.export_note.as_deref().is_some_and(|n| n.starts_with(&s))
    });
}

fn type_into(h: &mut Harness<'static, BreathbandApp>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label).focus();
    h.step();
    // Clear the field, then type.
    for _ in 0..8 {
        h.key_press(egui::Key::Backspace);
        h.step();
    }
    h.step();
    h.get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    h.step();
}

#[test]
fn a_three_a_day_plan_is_set_from_history_and_a_wrong_time_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = app(tmp.path());
    h.get_by_label_contains("Your plan: 2 sessions a day at 08:00 and 20:00")
        .click();
    h.step();
    h.get_by_label("3 (morning, midday, evening)").click();
    h.step();
    type_into(&mut h, "midday", "25:00");
    h.get_by_label("Save plan").click();
    h.step();
    h.get_by_label_contains("'25:00' is not a time");
    assert!(!tmp.path().join("plan.json").exists());
    type_into(&mut h, "midday", "12:30");
    h.get_by_label("Save plan").click();
    h.step();
    note_is(
        &mut h,
        // Going from two to three keeps the evening at 20:00.
        "Plan saved: 3 sessions a day at 08:00, 12:30 and 20:00",
    );
    let book = store::load_plan(tmp.path()).unwrap().unwrap();
    assert_eq!(book.current().times.len(), 3);
    // The reloaded History follows the new plan.
    until(&mut h, |a| {
        a.history
            .as_ref()
            .is_some_and(|x| x.calendar.today.slots.len() == 3)
    });
    // Both the top bar and the History header count the planned slots
    // (today is the first day of use: slots over before it are not).
    let planned = h.state().history.as_ref().unwrap().calendar.today.planned();
    let text = format!("0 of {planned} done");
    assert_eq!(h.get_all_by_label_contains(&text).count(), 2, "{text}");
    h.get_by_label_contains("Your plan: 3 sessions a day at 08:00, 12:30 and 20:00");
}

#[test]
fn a_check_in_is_saved_and_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = app(tmp.path());
    h.get_by_label_contains("how is your neck today?").click();
    h.step();
    h.get_by_label("yes").click();
    type_into(&mut h, "Check-in note", "tight after the drive");
    h.get_by_label("Save check-in").click();
    h.step();
    note_is(&mut h, "Check-in saved: pain 0, tension 0");
    let (got, warn) = store::read_checkins(tmp.path()).unwrap();
    assert!(warn.is_empty());
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0].dizzy, got[0].note.as_str()),
        (Some(true), "tight after the drive")
    );
    until(&mut h, |a| {
        a.history
            .as_ref()
            .is_some_and(|x| x.program.checkins.len() == 1)
    });
    h.get_by_label_contains("Today's check-in: done at");
    h.get_by_label("Check-ins (1)").click();
    h.step();
    h.get_by_label("tight after the drive");
}

#[test]
fn three_flat_weeks_of_practice_bring_the_advice_to_see_a_physiotherapist() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let today = chrono::Local::now().fixed_offset();
    for k in 0..22i64 {
        let day = today - chrono::Duration::days(k);
        for hour in [8u32, 20] {
            let at = day
                .with_time(chrono::NaiveTime::from_hms_opt(hour, 0, 0).unwrap())
                .unwrap();
            if at > today {
                continue;
            }
            common::sessions::make(
                d,
                common::sessions::Spec {
                    id: &at.format("%Y-%m-%d_%H-%M-%S").to_string(),
                    start_local: &at.to_rfc3339(),
                    ..Default::default()
                },
            );
        }
        let c = CheckIn::new(day, 5, 5, Some(false), "").unwrap();
        store::append_checkin(d, &c).unwrap();
    }
    let h = app(d);
    h.get_by_label_contains("It is time to see a physiotherapist");
}
