//! The app is usable without a mouse and without sight of the screen:
//! with eframe's AccessKit on, every control on the main screens has a
//! name a screen reader can say, and Tab reaches the controls a person
//! needs (egui_kittest drives the same AccessKit tree).

mod common;
use breathband::analysis::Class;
use breathband::app::BreathbandApp;
use common::app_panels::{app_with, harness, window};
use egui::accesskit::Role;
use egui_kittest::kittest::{By, NodeT, Queryable};
use egui_kittest::Harness;

fn interactive(r: Role) -> bool {
    matches!(
        r,
        Role::Button
            | Role::CheckBox
            | Role::RadioButton
            | Role::Slider
            | Role::SpinButton
            | Role::TextInput
            | Role::ComboBox
            | Role::Switch
    )
}

/// Controls without a name, as "Role at (x, y)".
fn unnamed(h: &Harness<'static, BreathbandApp>) -> Vec<String> {
    h.query_all(
        By::new()
            .predicate(|n| interactive(n.role()) && n.label().is_none_or(|l| l.trim().is_empty())),
    )
    .map(|n| {
        let n = n.accesskit_node();
        format!("{:?} {:?}", n.role(), n.bounding_box())
    })
    .collect()
}

fn named_count(h: &Harness<'static, BreathbandApp>) -> usize {
    h.query_all(By::new().predicate(|n| interactive(n.role())))
        .count()
}

#[test]
fn every_control_of_the_live_view_and_history_has_a_name() {
    // Tall enough that the whole history is on screen (egui names only
    // what it lays out).
    // Each newly shown widget asks for one more frame (egui styles it by its
    // last state): opening the forms takes a few frames to settle.
    let mut h = Harness::builder()
        .with_size(egui::vec2(1200.0, 2400.0))
        .with_max_steps(12)
        .build_ui_state(
            |ui, app: &mut BreathbandApp| {
                app.drain();
                app.show(ui);
            },
            app_with(window(0.7, 0.0, Class::Belly)),
        );
    h.run();
    assert!(named_count(&h) > 15, "{} controls", named_count(&h));
    assert_eq!(unnamed(&h), Vec::<String>::new(), "live view");
    // The serial-port tab, with its typed path.
    h.get_by_label("Serial port").click();
    h.run();
    assert_eq!(unnamed(&h), Vec::<String>::new(), "port tab");
    h.get_by_role_and_label(Role::TextInput, "Port path");
    // History with the plan editor and the check-in open.
    let tmp = tempfile::tempdir().unwrap();
    h.state_mut().sessions_dir = Some(tmp.path().join("sessions"));
    h.state_mut().reload_history();
    h.state_mut().show_history = true;
    let t = std::time::Instant::now();
    while h.state().history.is_none() {
        assert!(t.elapsed().as_secs() < 10);
        h.step();
    }
    h.run();
    h.get_by_label_contains("Your plan:").click();
    h.run();
    h.get_by_label_contains("how is your neck today?").click();
    h.run();
    assert_eq!(unnamed(&h), Vec::<String>::new(), "history");
    h.get_by_role_and_label(Role::TextInput, "morning");
    h.get_by_role_and_label(Role::Slider, "Neck pain");
    h.get_by_role_and_label(Role::Slider, "Text size");
}

#[test]
fn tab_reaches_the_main_controls() {
    let mut h = harness(app_with(window(0.7, 0.0, Class::Belly)));
    let mut reached = Vec::new();
    for _ in 0..80 {
        h.key_press(egui::Key::Tab);
        h.run();
        if let Some(n) = h.query_all(By::new().predicate(|n| n.is_focused())).next() {
            if let Some(l) = n.accesskit_node().label() {
                reached.push(l.to_string());
            }
        }
    }
    for want in [
        "Start a guided session",
        "History",
        "Start pacer",
        "Mute",
        "Text size",
    ] {
        assert!(
            reached.iter().any(|r| r.contains(want)),
            "Tab never reached {want:?}: {reached:?}"
        );
    }
    // Enter on the focused History button opens the history.
    for _ in 0..80 {
        h.key_press(egui::Key::Tab);
        h.run();
        let on = h
            .query_all(By::new().predicate(|n| n.is_focused()))
            .next()
            .and_then(|n| n.accesskit_node().label().map(|l| l == "History"))
            .unwrap_or(false);
        if on {
            break;
        }
    }
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(h.state().show_history, "Enter pressed the focused button");
}
