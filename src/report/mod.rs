//! The therapist report: a one- or two-page A4 PDF with the plan, an
//! adherence calendar, charts of breathing and of pain, safety events,
//! check-in notes, advice and the disclaimer.
//!
//! Pure: [`render_pdf`] takes plain data ([`ReportInput`]) and returns the
//! PDF bytes; gathering the data and writing the file is the caller's job.
//! All text, chart labels included, is real text in an embedded font (egui's
//! Ubuntu Light), so it can be selected, searched and read aloud; the charts
//! are drawn by plotters as vector paths straight onto the page.

mod backend;
mod calendar;
mod canvas;
mod charts;
mod error;
mod font;
mod input;
#[cfg(test)]
mod tests;

pub use error::ReportError;
pub use input::{ReportCheckin, ReportDay, ReportInput, ReportSession, SlotMark};

use printpdf::{Mm, PdfDocument, PdfPage, PdfSaveOptions};

use canvas::{Flow, Rgb8, Turn, BODY, CONTENT_W, LEADING, MARGIN, PAGE_H, PAGE_W};
use charts::Period;
use font::Face;

/// Width of the date column in lists.
const DATE_W: f32 = 62.0;

/// Renders the report as PDF bytes.
pub fn render_pdf(input: &ReportInput) -> Result<Vec<u8>, ReportError> {
    let mut doc = PdfDocument::new("breathband report");
    let face = Face::load(&mut doc)?;
    let pages = compose(&face, input)?;
    let pages: Vec<PdfPage> = pages
        .into_iter()
        .map(|ops| PdfPage::new(Mm(210.0), Mm(297.0), ops))
        .collect();
    doc.with_pages(pages);
    // printpdf is not ours: a panic inside it becomes an error, not a crash.
    let saved = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut warnings = Vec::new();
        doc.save(&PdfSaveOptions::default(), &mut warnings)
    }));
    match saved {
        Ok(bytes) if !bytes.is_empty() => Ok(bytes),
        Ok(_) => Err(ReportError::Pdf("empty output".into())),
        Err(_) => Err(ReportError::Pdf("the PDF writer failed".into())),
    }
}

/// Lays out every section and returns the operations of each page.
fn compose(face: &Face, input: &ReportInput) -> Result<Vec<Vec<printpdf::Op>>, ReportError> {
    let mut flow = Flow::new(face);
    let period = Period::new(input.first_day, input.last_day.max(input.first_day));

    // Title block.
    flow.y += 20.0;
    let y = flow.y;
    flow.page.text(
        MARGIN,
        y,
        20.0,
        Rgb8(20, 60, 110),
        Turn::None,
        "breathband report",
    );
    flow.y += 4.0;
    flow.paragraph(
        &format!(
            "Period {} to {} · generated {}",
            input.first_day.format("%Y-%m-%d"),
            input.last_day.format("%Y-%m-%d"),
            input.generated_local.format("%Y-%m-%d %H:%M"),
        ),
        BODY,
        Rgb8::GREY,
        0.0,
    );

    flow.heading("Plan and adherence", 2.0 * LEADING);
    if input.plan_lines.is_empty() {
        flow.paragraph("no plan set", BODY, Rgb8::GREY, 0.0);
    }
    for (i, line) in input.plan_lines.iter().enumerate() {
        flow.entry(if i == 0 { "Plan" } else { "" }, line, DATE_W);
    }
    flow.entry("Adherence", &input.adherence_line, DATE_W);

    flow.heading("Adherence calendar", 60.0);
    calendar::draw(&mut flow, &input.days, &input.slot_names);

    flow.heading("Sessions: belly share and breathing rate", charts::CHART_H);
    charts::sessions(&mut flow, period, &input.sessions)?;
    if !input.sessions.is_empty() {
        let minutes: f64 = input
            .sessions
            .iter()
            .map(|s| s.minutes)
            .filter(|m| m.is_finite() && *m > 0.0)
            .sum();
        let early = input
            .sessions
            .iter()
            .filter(|s| s.stopped_early.is_some())
            .count();
        let early = match early {
            0 => String::new(),
            n => format!("; {n} stopped early (see safety events)"),
        };
        flow.paragraph(
            &format!(
                "{} sessions, {:.0} minutes in all{early}",
                input.sessions.len(),
                minutes
            ),
            8.5,
            Rgb8::GREY,
            0.0,
        );
    }

    flow.heading("Pain and tension (0-10)", charts::CHART_H);
    charts::checkins(&mut flow, period, &input.checkins)?;

    flow.heading("Safety events and early stops", LEADING);
    if input.safety.is_empty() {
        flow.paragraph("none recorded", BODY, Rgb8::GREY, 0.0);
    }
    for line in &input.safety {
        flow.entry("•", line, 10.0);
    }

    flow.heading("Check-in notes", LEADING);
    let noted: Vec<&ReportCheckin> = input
        .checkins
        .iter()
        .filter(|c| {
            c.note.as_deref().is_some_and(|n| !n.trim().is_empty()) || c.dizzy == Some(true)
        })
        .collect();
    if noted.is_empty() {
        let text = if input.checkins.is_empty() {
            "no check-ins yet"
        } else {
            "no notes in this period"
        };
        flow.paragraph(text, BODY, Rgb8::GREY, 0.0);
    }
    for c in noted {
        flow.entry(
            &c.date.format("%a %d.%m.").to_string(),
            &checkin_text(c),
            DATE_W,
        );
    }

    if !input.advice.is_empty() {
        flow.heading("Advice", LEADING);
        for line in &input.advice {
            flow.entry("•", line, 10.0);
        }
    }

    disclaimer(&mut flow, &input.disclaimer);
    let mut pages = flow.finish();
    footers(face, &mut pages);
    Ok(pages)
}

/// "pain 4 · tension 5 · dizzy — note".
fn checkin_text(c: &ReportCheckin) -> String {
    let mut parts = Vec::new();
    if let Some(p) = c.pain {
        parts.push(format!("pain {}", p.min(10)));
    }
    if let Some(t) = c.tension {
        parts.push(format!("tension {}", t.min(10)));
    }
    if c.dizzy == Some(true) {
        parts.push("dizzy".to_string());
    }
    let ratings = parts.join(" · ");
    match c.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(note) if ratings.is_empty() => note.to_string(),
        Some(note) => format!("{ratings} — {note}"),
        None => ratings,
    }
}

/// The disclaimer, set at the foot of the last page (on a new page if it
/// does not fit below the content).
fn disclaimer(flow: &mut Flow<'_>, text: &str) {
    let size = 8.0;
    let leading = size * LEADING / BODY;
    let lines = flow.page.face.wrap(text, size, CONTENT_W);
    let height = lines.len() as f32 * leading + 8.0;
    let bottom = canvas::CONTENT_BOTTOM;
    if flow.y + height + 6.0 > bottom {
        flow.break_page();
    }
    // Long disclaimers simply flow on; short ones sit at the page foot.
    flow.y = flow.y.max(bottom - height);
    let y = flow.y;
    flow.page.polyline(
        &[(MARGIN, y), (MARGIN + CONTENT_W, y)],
        0.4,
        Rgb8::LIGHT,
        false,
    );
    flow.y += 4.0;
    flow.paragraph(text, size, Rgb8::GREY, 0.0);
}

/// "page i of n" at the foot of each page.
fn footers(face: &Face, pages: &mut [Vec<printpdf::Op>]) {
    let n = pages.len();
    for (i, ops) in pages.iter_mut().enumerate() {
        let mut c = canvas::Canvas::new(face);
        let text = format!("breathband report · page {} of {}", i + 1, n);
        let w = face.width(&text, 7.5);
        c.text(
            PAGE_W - MARGIN - w,
            PAGE_H - MARGIN + 4.0,
            7.5,
            Rgb8::GREY,
            Turn::None,
            &text,
        );
        ops.extend(c.ops);
    }
}
