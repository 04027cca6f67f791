//! `gui --screenshot`: save the window as a PNG after some seconds, then
//! close (for CI and the README). The file is written off the UI thread.

use super::jobs::{self, Job};
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver};
use std::time::Instant;

/// Take a screenshot after some seconds, then close.
#[derive(Debug, Clone)]
pub struct ScreenshotPlan {
    pub path: PathBuf,
    pub after_s: f64,
}

/// A planned screenshot and its progress.
pub struct Screenshot {
    plan: ScreenshotPlan,
    start: Instant,
    /// The screenshot callback hands over the job writing the file.
    handover: Option<Receiver<Job<Result<PathBuf, String>>>>,
    writing: jobs::Slot<Result<PathBuf, String>>,
}

impl Screenshot {
    pub fn new(plan: ScreenshotPlan) -> Self {
        Self {
            plan,
            start: Instant::now(),
            handover: None,
            writing: None,
        }
    }

    /// Called each frame: asks for the picture when due, and closes the
    /// window once the file is written.
    pub fn step(&mut self, ctx: &egui::Context) {
        if self.handover.is_none() && self.start.elapsed().as_secs_f64() >= self.plan.after_s {
            let (tx, rx) = channel();
            self.handover = Some(rx);
            let (path, c) = (self.plan.path.clone(), ctx.clone());
            ctx.request_screenshot(move |img| {
                let _ = tx.send(Job::spawn(Some(c), move || write_png(&path, &img)));
            });
        }
        if let Some(job) = self.handover.as_ref().and_then(|rx| rx.try_recv().ok()) {
            self.writing = Some(job);
        }
        if let Some(r) = jobs::poll(&mut self.writing) {
            match r {
                Ok(p) => eprintln!("screenshot: {}", p.display()),
                Err(e) => eprintln!("breathband: error: {e}"),
            }
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        // A frame when the picture is due (not before: each frame costs),
        // then a few a second until the file is written.
        let due = self.plan.after_s - self.start.elapsed().as_secs_f64();
        let wait = if self.handover.is_none() && due > 0.0 {
            std::time::Duration::from_secs_f64(due)
        } else {
            std::time::Duration::from_millis(250)
        };
        ctx.request_repaint_after(wait);
    }
}

fn write_png(path: &std::path::Path, img: &egui::ColorImage) -> Result<PathBuf, String> {
    let [w, h] = img.size;
    let bytes: Vec<u8> = img.pixels.iter().flat_map(|c| c.to_array()).collect();
    image::save_buffer(path, &bytes, w as u32, h as u32, image::ColorType::Rgba8)
        .map(|()| path.to_path_buf())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
