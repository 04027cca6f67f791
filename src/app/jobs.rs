//! Background jobs of the app (history, export, port scan, journal write,
//! screenshot file): one small promise type, so the UI thread starts work
//! and later polls for its result without ever waiting.

use std::thread::JoinHandle;

/// Work running on its own thread, with its result taken once.
pub struct Job<T> {
    handle: Option<JoinHandle<T>>,
}

impl<T: Send + 'static> Job<T> {
    /// Runs `work` on a helper thread; when it ends the window is asked to
    /// redraw (so its result shows without the mouse moving).
    pub fn spawn(
        repaint: Option<egui::Context>,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Self {
        let handle = std::thread::spawn(move || {
            let r = work();
            if let Some(c) = repaint {
                c.request_repaint();
            }
            r
        });
        Self {
            handle: Some(handle),
        }
    }

    /// True until the result is taken (or the job panicked).
    pub fn running(&self) -> bool {
        self.handle.as_ref().is_some_and(|h| !h.is_finished())
    }

    /// The result, once, when the work has ended; never waits.
    pub fn poll(&mut self) -> Option<T> {
        if !self.handle.as_ref()?.is_finished() {
            return None;
        }
        self.handle.take()?.join().ok()
    }

    /// Waits for the result (on a helper thread only, never the UI's).
    pub fn wait(mut self) -> Option<T> {
        self.handle.take()?.join().ok()
    }
}

/// A job slot that may hold one job.
pub type Slot<T> = Option<Job<T>>;

/// Takes the result of the job in `slot`, if it has ended, emptying it.
pub fn poll<T: Send + 'static>(slot: &mut Slot<T>) -> Option<T> {
    let job = slot.as_mut()?;
    if job.running() {
        return None;
    }
    let r = job.poll();
    *slot = None;
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_is_taken_once_after_the_work_ends() {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let mut slot: Slot<u32> = Some(Job::spawn(None, move || {
            rx.recv().unwrap();
            7
        }));
        assert_eq!(poll(&mut slot), None, "still running");
        assert!(slot.is_some());
        tx.send(()).unwrap();
        let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let r = loop {
            if let Some(r) = poll(&mut slot) {
                break r;
            }
            assert!(std::time::Instant::now() < until);
            std::thread::yield_now();
        };
        assert_eq!(r, 7);
        assert!(slot.is_none() && poll(&mut slot).is_none());
    }

    #[test]
    fn a_panicking_job_yields_nothing_and_is_cleared() {
        let job = Job::spawn(None, || -> u32 { panic!("boom") });
        assert_eq!(job.wait(), None);
    }
}
