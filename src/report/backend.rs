//! A plotters drawing backend that draws straight onto a report page as
//! vector paths and real (selectable) text in the report face.

use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontTransform,
};

use super::canvas::{Canvas, Rgb8, Turn};

/// Backend pixels per point: plotters works in whole pixels, so a finer
/// grid keeps lines and text placed to a quarter point.
pub(crate) const PX_PER_PT: f32 = 4.0;

/// The backend never fails; plotters still wants an error type.
#[derive(Debug, thiserror::Error)]
#[error("PDF chart backend error")]
pub(crate) struct BackendError;

type Res = Result<(), DrawingErrorKind<BackendError>>;

/// A rectangle of a page that plotters draws into.
pub(crate) struct PageBackend<'c, 'f> {
    canvas: &'c mut Canvas<'f>,
    left: f32,
    top: f32,
    size: (u32, u32),
}

impl<'c, 'f> PageBackend<'c, 'f> {
    /// The region `width` x `height` points with its top left corner at (`left`, `top`).
    pub(crate) fn new(
        canvas: &'c mut Canvas<'f>,
        left: f32,
        top: f32,
        width: f32,
        height: f32,
    ) -> Self {
        let px = |v: f32| (v.max(1.0) * PX_PER_PT).round() as u32;
        Self {
            canvas,
            left,
            top,
            size: (px(width), px(height)),
        }
    }

    fn at(&self, (x, y): BackendCoord) -> (f32, f32) {
        (
            self.left + x as f32 / PX_PER_PT,
            self.top + y as f32 / PX_PER_PT,
        )
    }
}

/// A backend colour on white paper (alpha mixed in).
fn paint(c: BackendColor) -> Option<Rgb8> {
    if c.alpha <= 0.0 {
        return None;
    }
    let a = c.alpha.clamp(0.0, 1.0);
    let mix = |v: u8| {
        (255.0 - a * (255.0 - f64::from(v)))
            .round()
            .clamp(0.0, 255.0) as u8
    };
    Some(Rgb8(mix(c.rgb.0), mix(c.rgb.1), mix(c.rgb.2)))
}

fn width_pt<S: BackendStyle>(style: &S) -> f32 {
    style.stroke_width().max(1) as f32 / PX_PER_PT
}

impl DrawingBackend for PageBackend<'_, '_> {
    type ErrorType = BackendError;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Res {
        Ok(())
    }

    fn present(&mut self) -> Res {
        Ok(())
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Res {
        if let Some(c) = paint(color) {
            let (x, y) = self.at(point);
            let s = 1.0 / PX_PER_PT;
            self.canvas.fill_rect(x, y, s, s, c);
        }
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Res {
        if let Some(c) = paint(style.color()) {
            let pts = [self.at(from), self.at(to)];
            self.canvas.polyline(&pts, width_pt(style), c, false);
        }
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Res {
        if let Some(c) = paint(style.color()) {
            let (x0, y0) = self.at(upper_left);
            let (x1, y1) = self.at(bottom_right);
            if fill {
                self.canvas.fill_rect(x0, y0, x1 - x0, y1 - y0, c);
            } else {
                self.canvas
                    .stroke_rect(x0, y0, x1 - x0, y1 - y0, width_pt(style), c);
            }
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Res {
        if let Some(c) = paint(style.color()) {
            let pts: Vec<_> = path.into_iter().map(|p| self.at(p)).collect();
            self.canvas.polyline(&pts, width_pt(style), c, false);
        }
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Res {
        if let Some(c) = paint(style.color()) {
            let (cx, cy) = self.at(center);
            let r = radius as f32 / PX_PER_PT;
            let pts: Vec<_> = (0..24)
                .map(|i| {
                    let a = i as f32 * std::f32::consts::TAU / 24.0;
                    (cx + r * a.cos(), cy + r * a.sin())
                })
                .collect();
            if fill {
                self.canvas.fill(&pts, c);
            } else {
                self.canvas.polyline(&pts, width_pt(style), c, true);
            }
        }
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Res {
        if let Some(c) = paint(style.color()) {
            let pts: Vec<_> = vert.into_iter().map(|p| self.at(p)).collect();
            self.canvas.fill(&pts, c);
        }
        Ok(())
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Res {
        let Some(color) = paint(style.color()) else {
            return Ok(());
        };
        let size = style.size() as f32 / PX_PER_PT;
        let text = self.canvas.face.printable(text);
        let w = self.canvas.face.width(&text, size);
        let anchor = style.anchor();
        // Offsets of the baseline start from the anchor, in the text's own frame
        // (x along the text, y down).
        let dx = match anchor.h_pos {
            HPos::Left => 0.0,
            HPos::Center => -w / 2.0,
            HPos::Right => -w,
        };
        let dy = match anchor.v_pos {
            VPos::Top => 0.78 * size,
            VPos::Center => 0.3 * size,
            VPos::Bottom => -0.2 * size,
        };
        let (turn, (ox, oy)) = match style.transform() {
            FontTransform::None => (Turn::None, (dx, dy)),
            FontTransform::Rotate90 => (Turn::Down, (-dy, dx)),
            FontTransform::Rotate180 => (Turn::Half, (-dx, -dy)),
            FontTransform::Rotate270 => (Turn::Up, (dy, -dx)),
        };
        let (x, y) = self.at(pos);
        self.canvas.text(x + ox, y + oy, size, color, turn, &text);
        Ok(())
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<BackendError>> {
        let size = style.size() as f32;
        let text = self.canvas.face.printable(text);
        let w = self.canvas.face.width(&text, size);
        Ok((w.ceil().max(0.0) as u32, size.ceil().max(0.0) as u32))
    }
}
