//! The chest-versus-belly loop of the last few breaths (belly on x, chest on
//! y). A belly breather draws a flat, wide loop; a chest breather a tall
//! one; a paradoxical breather a line falling to the right (the bands move
//! against each other).

use crate::app::live_data::LiveData;
use crate::app::style::class_color;
use egui_plot::{Line, Plot, PlotPoints};

/// Breaths drawn in the loop.
pub const LOOP_BREATHS: usize = 3;

/// Shows the loop.
pub fn ui(ui: &mut egui::Ui, data: &LiveData) {
    let start = data
        .breaths
        .iter()
        .rev()
        .nth(LOOP_BREATHS - 1)
        .or(data.breaths.front())
        .map_or(data.now_s() - 15.0, |b| b.inhale_start_s);
    let pts: Vec<_> = data.traces.iter().filter(|p| p.t_s >= start).collect();
    let n = pts.len().max(1) as f64;
    let (mc, mb) = pts
        .iter()
        .fold((0.0, 0.0), |(c, b), p| (c + p.chest, b + p.belly));
    let line: PlotPoints = pts
        .iter()
        .map(|p| [p.belly - mb / n, p.chest - mc / n])
        .collect();
    let size = ui
        .available_width()
        .min(ui.available_height())
        .clamp(120.0, 260.0);
    Plot::new("loop")
        .width(size)
        .height(size)
        .data_aspect(1.0)
        .x_axis_label("belly")
        .y_axis_label("chest")
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show(ui, |p| {
            p.line(
                Line::new("loop", line)
                    .color(class_color(data.label()))
                    .width(2.0),
            );
        });
}
