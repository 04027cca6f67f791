//! The adherence calendar: one column per day, one box per planned slot,
//! each mark told apart by shape and letter as well as colour.

use chrono::Datelike;

use super::canvas::{Canvas, Flow, Rgb8, Turn, CONTENT_W, MARGIN};
use super::input::{ReportDay, SlotMark};

/// Days per calendar strip; longer periods get several strips.
const DAYS_PER_STRIP: usize = 28;
/// Width of the slot label column.
const LABEL_W: f32 = 34.0;
/// Widest day column.
const MAX_COL_W: f32 = 17.5;

struct Look {
    letter: &'static str,
    name: &'static str,
    color: Rgb8,
}

fn look(mark: SlotMark) -> Look {
    match mark {
        SlotMark::Done => Look {
            letter: "D",
            name: "done (filled)",
            color: Rgb8(30, 120, 60),
        },
        SlotMark::Partial => Look {
            letter: "P",
            name: "partial (half filled)",
            color: Rgb8(215, 150, 20),
        },
        SlotMark::Missed => Look {
            letter: "M",
            name: "missed (crossed)",
            color: Rgb8(190, 40, 40),
        },
        SlotMark::Open => Look {
            letter: "O",
            name: "open (empty)",
            color: Rgb8(90, 110, 150),
        },
        SlotMark::NotPlanned => Look {
            letter: "-",
            name: "not planned, before first use (dash)",
            color: Rgb8(150, 150, 150),
        },
    }
}

/// Draws one mark as a `s` x `s` box with its top left corner at (`x`, `y`).
fn draw_mark(c: &mut Canvas<'_>, mark: SlotMark, x: f32, y: f32, s: f32) {
    let l = look(mark);
    let size = s * 0.62;
    let letter_color = match mark {
        SlotMark::Done => Rgb8::WHITE,
        SlotMark::Partial => Rgb8::BLACK,
        _ => l.color,
    };
    match mark {
        SlotMark::Done => c.fill_rect(x, y, s, s, l.color),
        SlotMark::Partial => {
            c.fill(
                &[(x + s, y), (x + s, y + s), (x, y + s)],
                Rgb8(245, 205, 120),
            );
            c.stroke_rect(x, y, s, s, 0.8, l.color);
        }
        SlotMark::Missed => {
            c.fill_rect(x, y, s, s, Rgb8(250, 225, 225));
            c.polyline(&[(x, y), (x + s, y + s)], 0.5, Rgb8(230, 150, 150), false);
            c.polyline(&[(x + s, y), (x, y + s)], 0.5, Rgb8(230, 150, 150), false);
            c.stroke_rect(x, y, s, s, 1.0, l.color);
        }
        SlotMark::Open => c.stroke_rect(x, y, s, s, 0.6, l.color),
        SlotMark::NotPlanned => {
            c.polyline(
                &[(x + s * 0.2, y + s * 0.5), (x + s * 0.8, y + s * 0.5)],
                1.0,
                l.color,
                false,
            );
            return;
        }
    }
    let w = c.face.width(l.letter, size);
    c.text(
        x + (s - w) / 2.0,
        y + s / 2.0 + size * 0.36,
        size,
        letter_color,
        Turn::None,
        l.letter,
    );
}

/// Draws the calendar (or a line saying there are no days) and its legend.
pub(crate) fn draw(flow: &mut Flow<'_>, days: &[ReportDay], slot_names: &[String]) {
    if days.is_empty() {
        flow.paragraph("no days in this period", 9.5, Rgb8::GREY, 0.0);
        return;
    }
    for strip in days.chunks(DAYS_PER_STRIP) {
        draw_strip(flow, strip, slot_names);
    }
    draw_legend(flow);
}

fn draw_strip(flow: &mut Flow<'_>, days: &[ReportDay], slot_names: &[String]) {
    let slots = days
        .iter()
        .map(|d| d.slots.len())
        .max()
        .unwrap_or(0)
        .clamp(1, 8);
    let col_w = ((CONTENT_W - LABEL_W) / DAYS_PER_STRIP as f32).min(MAX_COL_W);
    let box_s = (col_w - 3.5).clamp(4.0, 13.0);
    let row_h = box_s + 3.0;
    let head_h = 27.0;
    let height = head_h + slots as f32 * row_h + 6.0;
    flow.need(height);
    let top = flow.y + 2.0;
    let c = &mut flow.page;
    let x0 = MARGIN + LABEL_W;
    for (i, day) in days.iter().enumerate() {
        let x = x0 + i as f32 * col_w;
        let weekday = day.date.weekday();
        if weekday.number_from_monday() >= 6 {
            c.fill_rect(x, top + 10.0, col_w, height - 12.0, Rgb8(240, 240, 245));
        }
        if i == 0 || day.date.day() == 1 {
            c.text(
                x + 1.0,
                top + 7.0,
                7.0,
                Rgb8::GREY,
                Turn::None,
                &day.date.format("%b").to_string(),
            );
        }
        let num = day.date.day().to_string();
        let w = c.face.width(&num, 7.5);
        c.text(
            x + (col_w - w) / 2.0,
            top + 17.0,
            7.5,
            Rgb8::BLACK,
            Turn::None,
            &num,
        );
        let wd: String = weekday.to_string().chars().take(2).collect();
        let w = c.face.width(&wd, 6.0);
        c.text(
            x + (col_w - w) / 2.0,
            top + 24.5,
            6.0,
            Rgb8::GREY,
            Turn::None,
            &wd,
        );
        for (s, mark) in day.slots.iter().take(slots).enumerate() {
            let y = top + head_h + s as f32 * row_h;
            draw_mark(c, *mark, x + (col_w - box_s) / 2.0, y, box_s);
        }
    }
    for s in 0..slots {
        let y = top + head_h + s as f32 * row_h;
        c.text(
            MARGIN,
            y + box_s * 0.75,
            7.5,
            Rgb8::GREY,
            Turn::None,
            &slot_names
                .get(s)
                .cloned()
                .unwrap_or_else(|| format!("slot {}", s + 1)),
        );
    }
    flow.y = top + height;
}

fn draw_legend(flow: &mut Flow<'_>) {
    let marks = [
        SlotMark::Done,
        SlotMark::Partial,
        SlotMark::Missed,
        SlotMark::Open,
        SlotMark::NotPlanned,
    ];
    let s = 9.0;
    let size = 7.5;
    let row = s + 5.0;
    flow.need(row);
    let mut y = flow.y + 2.0;
    let mut x = MARGIN;
    for mark in marks {
        let name = look(mark).name;
        let w = s + 3.0 + flow.page.face.width(name, size) + 12.0;
        if x > MARGIN && x + w > MARGIN + CONTENT_W {
            flow.y = y + row - 2.0;
            flow.need(row);
            y = flow.y + 2.0;
            x = MARGIN;
        }
        draw_mark(&mut flow.page, mark, x, y, s);
        flow.page
            .text(x + s + 3.0, y + s * 0.8, size, Rgb8::GREY, Turn::None, name);
        x += w;
    }
    flow.y = y + s + 4.0;
}
