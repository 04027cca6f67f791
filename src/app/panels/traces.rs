//! Both band traces, scrolling, with a selectable span, pause and scroll-back.

use crate::app::live_data::LiveData;
use crate::app::style::{BELLY, CHEST};
use egui_plot::{Legend, Line, Plot, PlotPoints};
use serde::{Deserialize, Serialize};

/// Settings of the traces view (persisted).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TracesView {
    /// Visible span, s (10, 30 or 60).
    pub span_s: f64,
    /// Frozen for scroll-back.
    #[serde(skip)]
    pub paused: bool,
}

impl Default for TracesView {
    fn default() -> Self {
        Self {
            span_s: 30.0,
            paused: false,
        }
    }
}

impl TracesView {
    pub fn ui(&mut self, ui: &mut egui::Ui, data: &LiveData) {
        ui.horizontal(|ui| {
            ui.label("Span");
            for s in [10.0, 30.0, 60.0] {
                ui.selectable_value(&mut self.span_s, s, format!("{s:.0} s"));
            }
            let label = if self.paused { "Resume" } else { "Pause" };
            if ui
                .button(label)
                .on_hover_text("Pause to scroll back (drag the plot)")
                .clicked()
            {
                self.paused = !self.paused;
            }
        });
        let now = data.now_s();
        let from = now - self.span_s;
        // Each band is drawn around its own mean over the visible span, so
        // both stay in view whatever their offsets.
        let visible = data.traces.iter().filter(|p| p.t_s >= from);
        let n = visible.clone().count().max(1) as f64;
        let (mc, mb) = visible
            .clone()
            .fold((0.0, 0.0), |(c, b), p| (c + p.chest, b + p.belly));
        let (mc, mb) = (mc / n, mb / n);
        // Live: only the visible span is drawn; paused: all the history, to
        // scroll back through.
        let shown = |p: &&crate::app::pipeline::DisplayPoint| self.paused || p.t_s >= from - 1.0;
        let pts = |f: &dyn Fn(&crate::app::pipeline::DisplayPoint) -> f64| -> PlotPoints<'static> {
            data.traces
                .iter()
                .filter(shown)
                .map(|p| [p.t_s, f(p)])
                .collect()
        };
        let mut plot = Plot::new("traces")
            .height(ui.available_height().clamp(120.0, 260.0))
            .legend(Legend::default())
            .x_axis_label("s")
            .allow_drag(self.paused)
            .allow_zoom(self.paused)
            .allow_scroll(self.paused);
        if !self.paused {
            plot = plot.default_x_bounds(from, now).auto_bounds([false, true]);
        }
        plot.show(ui, |p| {
            if !self.paused {
                p.set_plot_bounds_x(from..=now.max(from + 1.0));
            }
            p.line(
                Line::new("chest", pts(&|d| d.chest - mc))
                    .color(CHEST)
                    .width(2.0),
            );
            p.line(
                Line::new("belly", pts(&|d| d.belly - mb))
                    .color(BELLY)
                    .width(2.0),
            );
        });
    }
}
