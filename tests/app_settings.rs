//! The app's settings, headless (egui_kittest): the one-time disclaimer,
//! settings that survive a round trip (old files load), and screenshots
//! and demos that do not save them.

mod common;
use breathband::app::settings::Settings;
use breathband::app::BreathbandApp;
use common::app_panels::*;
use egui_kittest::kittest::Queryable;

#[test]
fn disclaimer_once_at_first_run() {
    let app = BreathbandApp::new(Settings::default());
    let mut h = harness(app);
    h.get_by_label_contains("training aid, not a medical device. It does not diagnose");
    h.get_by_label("I understand").click();
    h.run();
    assert!(h.state().settings.disclaimer_seen);
    assert!(h.query_by_label("I understand").is_none());
}

#[test]
fn settings_survive_a_round_trip_and_old_files_load() {
    let mut s = Settings {
        pattern: "4-7-8".into(),
        volume: 0.3,
        ..Default::default()
    };
    s.traces.span_s = 60.0;
    let text = serde_json::to_string(&s).unwrap();
    let back: Settings = serde_json::from_str(&text).unwrap();
    assert_eq!(back, s);
    // Fields missing in an older file fall back to defaults.
    let old: Settings = serde_json::from_str(r#"{"pattern":"box"}"#).unwrap();
    assert_eq!(old.pattern, "box");
    assert_eq!(old.volume, Settings::default().volume);
}

/// eframe storage in memory.
#[derive(Default)]
struct Memory(std::collections::HashMap<String, String>);

impl eframe::Storage for Memory {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.into(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

#[test]
fn screenshots_and_demos_do_not_save_settings() {
    use eframe::App;
    let mut app = BreathbandApp::new(settings());
    app.settings.pattern = "box".into();
    let mut store = Memory::default();
    app.persist = false;
    app.save(&mut store);
    assert!(store.0.is_empty(), "{:?}", store.0);
    // A person's run saves them.
    app.persist = true;
    app.save(&mut store);
    let saved: Settings =
        eframe::get_value(&store, breathband::app::settings::KEY).expect("saved settings");
    assert_eq!(saved.pattern, "box");
}
