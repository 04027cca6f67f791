//! The app's source picker, headless (egui_kittest): a fake port with its
//! USB details, and the port tab's scan when first shown.

mod common;
use breathband::app::panels::source_picker::SourceKind;
use breathband::app::BreathbandApp;
use breathband::device::ports::PortEntry;
use common::app_panels::*;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

#[test]
fn source_picker_lists_a_fake_port_with_its_usb_details() {
    let mut app = BreathbandApp::new(settings());
    app.settings.source.kind = SourceKind::Port;
    app.picker.set_ports(vec![PortEntry {
        path: "/dev/ttyFAKE0".into(),
        kind: "usb".into(),
        vid: Some(0x2341),
        pid: Some(0x0043),
        serial_number: Some("BB-0042".into()),
        manufacturer: Some("Arduino".into()),
        product: Some("breathband sensor".into()),
    }]);
    let mut h = harness(app);
    let port = h.get_by_label_contains("/dev/ttyFAKE0");
    let text = format!("{port:?}");
    assert!(
        text.contains("breathband sensor") && text.contains("BB-0042"),
        "{text}"
    );
    port.click();
    h.run();
    assert_eq!(h.state().settings.source.port, "/dev/ttyFAKE0");
    h.get_by_label("Connect");
}

#[test]
fn the_port_tab_looks_for_ports_when_first_shown() {
    let mut app = BreathbandApp::new(settings());
    app.settings.source.kind = SourceKind::Port;
    let mut h = Harness::builder()
        .with_size(egui::vec2(1200.0, 800.0))
        .build_ui_state(|ui, app: &mut BreathbandApp| app.show(ui), app);
    h.step();
    // A scan started at once; meanwhile no claim that there are no ports.
    let scanning = h.state().picker.scanning();
    if scanning {
        h.get_by_label("Searching for serial ports...");
    }
    assert!(h.query_by_label_contains("No serial ports found").is_none());
    step_until(&mut h, "the scan", |h| !h.state().picker.scanning());
    h.step();
    assert!(h.query_by_label("Searching for serial ports...").is_none());
    // The scan's outcome: a list, an error, or the plain statement.
    let p = &h.state().picker;
    if p.ports.is_empty() && p.port_error.is_none() {
        h.get_by_label_contains("No serial ports found");
    }
}
