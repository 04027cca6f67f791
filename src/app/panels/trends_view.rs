//! Trends over the sessions and the days: belly share and rate per
//! session, pain and tension per day against the practice done, and the
//! program's advice.

use crate::app::history::History;
use crate::program::trends::{Advice, DayTrend};
use crate::session::history::SessionEntry;
use egui::Color32;
use egui_plot::{Bar, BarChart, Legend, Line, MarkerShape, Plot, PlotPoints, Points};

/// Local start date of a session as days since 1970-01-01 (with the time
/// of day as a fraction), the x axis of the trends.
fn day_number(e: &SessionEntry) -> Option<f64> {
    let t = e.start_local()?.naive_local();
    Some(t.and_utc().timestamp() as f64 / 86_400.0)
}

fn date_label(x: f64) -> String {
    chrono::DateTime::from_timestamp((x * 86_400.0).round() as i64, 0)
        .map_or_else(String::new, |t| t.format("%d %b").to_string())
}

/// Belly share over the sessions (one plot, 0-100 %), and rate and neck
/// pain before/after (a second plot, same dates): each on its own scale.
pub fn sessions_ui(ui: &mut egui::Ui, h: &History) {
    let pts = |f: &dyn Fn(&SessionEntry) -> Option<f64>| -> Vec<[f64; 2]> {
        h.entries
            .iter()
            .filter_map(|e| Some([day_number(e)?, f(e)?]))
            .collect()
    };
    let share = pts(&|e| e.belly_share().map(|s| s * 100.0));
    let rate = pts(&|e| e.summary.as_ref().and_then(|s| s.rate_bpm));
    let before = pts(&|e| e.journal_before().and_then(|j| j.neck_pain).map(f64::from));
    let after = pts(&|e| e.journal_after().and_then(|j| j.neck_pain).map(f64::from));
    let xs: Vec<f64> = h.entries.iter().filter_map(day_number).collect();
    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if lo.is_finite() {
        (lo.floor() - 0.5, hi.ceil() + 0.5)
    } else {
        (0.0, 1.0)
    };
    ui.label("Belly share by session (%)");
    date_plot("trend_share", lo, hi)
        .include_y(0.0)
        .include_y(100.0)
        .show(ui, |pl| {
            series(
                pl,
                "belly share %",
                &share,
                crate::app::style::BELLY,
                MarkerShape::Circle,
                true,
            );
        });
    ui.label("Rate (breaths/min) and neck pain (0-10) by session");
    date_plot("trend_rate_pain", lo, hi)
        .include_y(0.0)
        .include_y(10.0)
        .show(ui, |pl| {
            series(
                pl,
                "rate /min",
                &rate,
                crate::app::style::CHEST,
                MarkerShape::Diamond,
                true,
            );
            series(
                pl,
                "pain before (down)",
                &before,
                PAIN,
                MarkerShape::Down,
                false,
            );
            series(
                pl,
                "pain after (up)",
                &after,
                TENSION,
                MarkerShape::Up,
                false,
            );
        });
}

/// Pain: vermilion; tension: sky blue (apart also for colour-blind eyes,
/// and drawn with different markers).
pub const PAIN: Color32 = Color32::from_rgb(213, 94, 0);
pub const TENSION: Color32 = Color32::from_rgb(86, 180, 233);

/// Days as numbers for the x axis (noon of the day).
fn day_x(d: chrono::NaiveDate) -> f64 {
    d.and_hms_opt(12, 0, 0)
        .map_or(0.0, |t| t.and_utc().timestamp() as f64 / 86_400.0)
}

/// Pain and tension per day (0-10) over bars of the sessions done.
pub fn days_ui(ui: &mut egui::Ui, days: &[DayTrend]) {
    ui.label("Neck pain and tension by day (0-10), with the sessions done (bars)");
    if days.iter().all(|d| d.pain.is_none() && d.tension.is_none()) {
        ui.label("No check-ins yet: tell the app daily how your neck is, and this shows whether practice helps.");
    }
    let bars: Vec<Bar> = days
        .iter()
        .map(|d| Bar::new(day_x(d.date), d.done as f64).width(0.6))
        .collect();
    let pts = |f: fn(&DayTrend) -> Option<u8>| -> Vec<[f64; 2]> {
        days.iter()
            .filter_map(|d| Some([day_x(d.date), f64::from(f(d)?)]))
            .collect()
    };
    let (pain, tension) = (pts(|d| d.pain), pts(|d| d.tension));
    let lo = days.first().map_or(0.0, |d| day_x(d.date) - 0.5);
    let hi = days.last().map_or(1.0, |d| day_x(d.date) + 0.5);
    date_plot("trend_days", lo, hi)
        .include_y(0.0)
        .include_y(10.0)
        .show(ui, |pl| {
            pl.bar_chart(BarChart::new("sessions done", bars).color(Color32::from_gray(110)));
            for (name, v, c, shape) in [
                ("pain (circles)", &pain, PAIN, MarkerShape::Circle),
                ("tension (squares)", &tension, TENSION, MarkerShape::Square),
            ] {
                series(pl, name, v, c, shape, true);
            }
        });
}

/// The program's advice, if any, in a frame each; true when the person
/// asks for the report.
pub fn advice_ui(ui: &mut egui::Ui, advice: &[Advice]) -> bool {
    let mut report = false;
    for a in advice {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.label(egui::RichText::new(a.text()).strong());
            if matches!(a, Advice::SeePhysiotherapist { .. })
                && ui
                    .button("Make the report for the physiotherapist")
                    .clicked()
            {
                report = true;
            }
        });
    }
    report
}

/// A fixed plot over dates `lo..hi` (days since 1970), with a legend.
fn date_plot(id: &'static str, lo: f64, hi: f64) -> Plot<'static> {
    Plot::new(id)
        .height(120.0)
        .legend(Legend::default())
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .include_x(lo)
        .include_x(hi)
        .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 7.0, 28.0]))
        .x_axis_formatter(|m, _| date_label(m.value))
}

/// Points of one series (`shape` beside the colour), joined if `line`.
fn series(
    pl: &mut egui_plot::PlotUi<'_>,
    name: &str,
    v: &[[f64; 2]],
    c: Color32,
    shape: MarkerShape,
    line: bool,
) {
    if line {
        pl.line(Line::new(name, PlotPoints::from(v.to_vec())).color(c));
    }
    pl.points(
        Points::new(name, PlotPoints::from(v.to_vec()))
            .radius(4.5)
            .shape(shape)
            .filled(true)
            .color(c),
    );
}
