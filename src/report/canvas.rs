//! Drawing primitives on A4 pages, in points measured from the top left
//! corner, and the page flow (a cursor that moves down and breaks pages).

use printpdf::{
    Color, Line, LinePoint, Op, PaintMode, PdfFontHandle, Point, Polygon, PolygonRing, Pt, Rgb,
    TextItem, TextMatrix, WindingOrder,
};

use super::font::Face;

/// A4 width in points.
pub(crate) const PAGE_W: f32 = 595.28;
/// A4 height in points.
pub(crate) const PAGE_H: f32 = 841.89;
/// Page margin in points.
pub(crate) const MARGIN: f32 = 42.0;
/// Width between the margins.
pub(crate) const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// Room kept free at the page foot for the page number.
const FOOTER: f32 = 18.0;
/// Lowest y (from the top) that content may reach.
pub(crate) const CONTENT_BOTTOM: f32 = PAGE_H - MARGIN - FOOTER;

/// An sRGB colour, 0-255 per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rgb8(pub u8, pub u8, pub u8);

impl Rgb8 {
    pub(crate) const BLACK: Rgb8 = Rgb8(0, 0, 0);
    pub(crate) const GREY: Rgb8 = Rgb8(110, 110, 110);
    pub(crate) const LIGHT: Rgb8 = Rgb8(225, 225, 225);
    pub(crate) const WHITE: Rgb8 = Rgb8(255, 255, 255);

    fn pdf(self) -> Color {
        Color::Rgb(Rgb {
            r: f32::from(self.0) / 255.0,
            g: f32::from(self.1) / 255.0,
            b: f32::from(self.2) / 255.0,
            icc_profile: None,
        })
    }
}

/// How a text run is turned on the page (counter-clockwise quarter turns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Turn {
    None,
    /// Reads bottom to top.
    Up,
    /// Reads top to bottom.
    Down,
    /// Upside down.
    Half,
}

fn point(x: f32, y_top: f32) -> LinePoint {
    LinePoint {
        p: Point {
            x: Pt(x),
            y: Pt(PAGE_H - y_top),
        },
        bezier: false,
    }
}

/// The operations of one page, in top-left coordinates.
pub(crate) struct Canvas<'f> {
    pub(crate) face: &'f Face,
    pub(crate) ops: Vec<Op>,
}

impl<'f> Canvas<'f> {
    pub(crate) fn new(face: &'f Face) -> Self {
        Self {
            face,
            ops: Vec::new(),
        }
    }

    /// Text with its baseline starting at (`x`, `y`); `text` is made printable.
    pub(crate) fn text(&mut self, x: f32, y: f32, size: f32, color: Rgb8, turn: Turn, text: &str) {
        let text = self.face.printable(text);
        if text.trim().is_empty() || !(x.is_finite() && y.is_finite() && size > 0.0) {
            return;
        }
        let (a, b, c, d) = match turn {
            Turn::None => (1.0, 0.0, 0.0, 1.0),
            Turn::Up => (0.0, 1.0, -1.0, 0.0),
            Turn::Down => (0.0, -1.0, 1.0, 0.0),
            Turn::Half => (-1.0, 0.0, 0.0, -1.0),
        };
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(self.face.id.clone()),
                size: Pt(size),
            },
            Op::SetFillColor { col: color.pdf() },
            Op::SetTextMatrix {
                matrix: TextMatrix::Raw([a, b, c, d, x, PAGE_H - y]),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text)],
            },
            Op::EndTextSection,
        ]);
    }

    /// A polyline through `points` (top-left coordinates).
    pub(crate) fn polyline(
        &mut self,
        points: &[(f32, f32)],
        width: f32,
        color: Rgb8,
        closed: bool,
    ) {
        if points.len() < 2 || points.iter().any(|p| !(p.0.is_finite() && p.1.is_finite())) {
            return;
        }
        self.ops.extend([
            Op::SetOutlineColor { col: color.pdf() },
            Op::SetOutlineThickness { pt: Pt(width) },
            Op::DrawLine {
                line: Line {
                    points: points.iter().map(|&(x, y)| point(x, y)).collect(),
                    is_closed: closed,
                },
            },
        ]);
    }

    /// A filled polygon.
    pub(crate) fn fill(&mut self, points: &[(f32, f32)], color: Rgb8) {
        if points.len() < 3 || points.iter().any(|p| !(p.0.is_finite() && p.1.is_finite())) {
            return;
        }
        self.ops.extend([
            Op::SetFillColor { col: color.pdf() },
            Op::DrawPolygon {
                polygon: Polygon {
                    rings: vec![PolygonRing {
                        points: points.iter().map(|&(x, y)| point(x, y)).collect(),
                    }],
                    mode: PaintMode::Fill,
                    winding_order: WindingOrder::NonZero,
                },
            },
        ]);
    }

    /// A filled rectangle with its top left corner at (`x`, `y`).
    pub(crate) fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb8) {
        self.fill(&[(x, y), (x + w, y), (x + w, y + h), (x, y + h)], color);
    }

    /// A rectangle outline with its top left corner at (`x`, `y`).
    pub(crate) fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32, color: Rgb8) {
        self.polyline(
            &[(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
            width,
            color,
            true,
        );
    }
}

/// The page flow: finished pages, the page being filled and its cursor.
pub(crate) struct Flow<'f> {
    pub(crate) pages: Vec<Vec<Op>>,
    pub(crate) page: Canvas<'f>,
    /// Where the next content starts, from the page top.
    pub(crate) y: f32,
}

/// Body text size in points.
pub(crate) const BODY: f32 = 9.5;
/// Distance between body text baselines.
pub(crate) const LEADING: f32 = 12.5;

impl<'f> Flow<'f> {
    pub(crate) fn new(face: &'f Face) -> Self {
        Self {
            pages: Vec::new(),
            page: Canvas::new(face),
            y: MARGIN,
        }
    }

    /// Starts a new page.
    pub(crate) fn break_page(&mut self) {
        let face = self.page.face;
        let done = std::mem::replace(&mut self.page, Canvas::new(face));
        self.pages.push(done.ops);
        self.y = MARGIN;
    }

    /// Makes sure `height` points fit below the cursor, breaking the page if not.
    pub(crate) fn need(&mut self, height: f32) {
        if self.y + height > CONTENT_BOTTOM && self.y > MARGIN {
            self.break_page();
        }
    }

    /// A section heading, kept together with `keep` points of what follows.
    pub(crate) fn heading(&mut self, text: &str, keep: f32) {
        self.y += 6.0;
        self.need(18.0 + keep);
        self.y += 12.0;
        let y = self.y;
        self.page
            .text(MARGIN, y, 12.5, Rgb8(20, 60, 110), Turn::None, text);
        self.page.polyline(
            &[(MARGIN, y + 3.5), (MARGIN + CONTENT_W, y + 3.5)],
            0.5,
            Rgb8(150, 170, 200),
            false,
        );
        self.y += 7.0;
    }

    /// Wrapped text at `indent` from the margin, breaking pages between lines.
    pub(crate) fn paragraph(&mut self, text: &str, size: f32, color: Rgb8, indent: f32) {
        let leading = size * LEADING / BODY;
        let lines = self.page.face.wrap(text, size, CONTENT_W - indent);
        for line in lines {
            self.need(leading);
            self.y += leading;
            let y = self.y - leading * 0.22;
            self.page
                .text(MARGIN + indent, y, size, color, Turn::None, &line);
        }
    }

    /// A list entry: `lead` (a date, a bullet) in the left column, `text` wrapped beside it.
    pub(crate) fn entry(&mut self, lead: &str, text: &str, lead_width: f32) {
        let leading = LEADING;
        let lines = self.page.face.wrap(text, BODY, CONTENT_W - lead_width);
        for (i, line) in lines.iter().enumerate() {
            self.need(leading);
            self.y += leading;
            let y = self.y - leading * 0.22;
            if i == 0 {
                self.page
                    .text(MARGIN, y, BODY, Rgb8::GREY, Turn::None, lead);
            }
            self.page
                .text(MARGIN + lead_width, y, BODY, Rgb8::BLACK, Turn::None, line);
        }
    }

    /// All pages, the current one included.
    pub(crate) fn finish(mut self) -> Vec<Vec<Op>> {
        self.pages.push(self.page.ops);
        self.pages
    }
}
