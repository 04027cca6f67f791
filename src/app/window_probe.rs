//! Is the window unmapped on X11 (on another workspace, hidden by the
//! window manager or a tool such as `xdotool windowunmap`)? X11 sends no
//! event to the window then, so winit and eframe take it as visible and go
//! on drawing frames nobody sees. The probe asks the X server for the
//! window's map state on its own connection: once a second while the
//! window is shown, each frame while it is not (so drawing resumes as soon
//! as it is shown again). Anywhere else, or if X cannot be asked, the
//! window counts as mapped.

use std::time::{Duration, Instant};

/// How often a shown window is checked.
const EVERY: Duration = Duration::from_secs(1);

/// The probe and its last answer.
#[derive(Default)]
pub struct MapProbe {
    inner: Option<imp::Conn>,
    /// X could not be asked: stop trying.
    off: bool,
    last: Option<Instant>,
    unmapped: bool,
}

impl MapProbe {
    /// True while the window of `frame` is known to be unmapped.
    pub fn unmapped(&mut self, frame: &eframe::Frame) -> bool {
        if self.off {
            return false;
        }
        if !self.unmapped && self.last.is_some_and(|t| t.elapsed() < EVERY) {
            return false;
        }
        self.last = Some(Instant::now());
        if self.inner.is_none() {
            self.inner = imp::Conn::open(frame);
            self.off = self.inner.is_none();
        }
        match self.inner.as_ref().map(imp::Conn::unmapped) {
            Some(Some(u)) => self.unmapped = u,
            _ => {
                // The server went away or the window is unknown to it.
                self.inner = None;
                self.off = true;
                self.unmapped = false;
            }
        }
        self.unmapped
    }
}

#[cfg(target_os = "linux")]
mod imp {
    use raw_window_handle::{HasWindowHandle, RawWindowHandle};
    use x11rb::protocol::xproto::{ConnectionExt, MapState};
    use x11rb::rust_connection::RustConnection;

    pub struct Conn {
        conn: RustConnection,
        window: u32,
    }

    impl Conn {
        pub fn open(frame: &eframe::Frame) -> Option<Self> {
            let window = match frame.window_handle().ok()?.as_raw() {
                RawWindowHandle::Xlib(h) => u32::try_from(h.window).ok()?,
                RawWindowHandle::Xcb(h) => h.window.get(),
                _ => return None,
            };
            let (conn, _) = x11rb::connect(None).ok()?;
            Some(Self { conn, window })
        }

        /// `None` if the server does not answer.
        pub fn unmapped(&self) -> Option<bool> {
            let attrs = self
                .conn
                .get_window_attributes(self.window)
                .ok()?
                .reply()
                .ok()?;
            Some(attrs.map_state != MapState::VIEWABLE)
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    pub struct Conn;

    impl Conn {
        pub fn open(_frame: &eframe::Frame) -> Option<Self> {
            None
        }

        pub fn unmapped(&self) -> Option<bool> {
            None
        }
    }
}
