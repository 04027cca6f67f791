//! The embedded text face (Ubuntu Light from egui's own fonts): parsing,
//! measuring and line wrapping.

use printpdf::{FontId, ParsedFont, PdfDocument};

use super::ReportError;

/// Shown in place of a character the face has no glyph for, so nothing is
/// dropped silently.
const MISSING: char = '?';

/// The face every report text is set in, registered with one document.
pub(crate) struct Face {
    parsed: ParsedFont,
    pub(crate) id: FontId,
}

impl Face {
    /// Parses the embedded font and registers it with `doc`.
    pub(crate) fn load(doc: &mut PdfDocument) -> Result<Self, ReportError> {
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(epaint_default_fonts::UBUNTU_LIGHT, 0, &mut warnings)
            .ok_or_else(|| ReportError::Font(format!("{warnings:?}")))?;
        if parsed.units_per_em == 0 || parsed.codepoint_to_glyph.is_empty() {
            return Err(ReportError::Font("font has no usable glyphs".into()));
        }
        let id = doc.add_font(&parsed);
        Ok(Self { parsed, id })
    }

    fn has_glyph(&self, c: char) -> bool {
        self.parsed.lookup_glyph_index(c as u32).is_some()
    }

    /// `text` made printable: control characters become spaces, characters
    /// the face lacks become `?`.
    pub(crate) fn printable(&self, text: &str) -> String {
        text.chars()
            .map(|c| {
                if c.is_control() {
                    ' '
                } else if self.has_glyph(c) {
                    c
                } else {
                    MISSING
                }
            })
            .collect()
    }

    /// Width of `text` (already printable) at `size`, in the same unit as `size`.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        let upem = f32::from(self.parsed.units_per_em.max(1));
        let units: u32 = text
            .chars()
            .map(|c| {
                self.parsed
                    .lookup_glyph_index(c as u32)
                    .and_then(|g| self.parsed.get_glyph_width(g))
                    .map_or(upem as u32 / 2, u32::from)
            })
            .sum();
        units as f32 / upem * size
    }

    /// Splits `text` into lines no wider than `max_width` at `size`:
    /// at spaces where it can, inside a word only when the word alone is too
    /// wide. Newlines start a new line. Every character is kept.
    pub(crate) fn wrap(&self, text: &str, size: f32, max_width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let paragraph = self.printable(paragraph);
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, size) <= max_width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // The word alone: break it where it has to be.
                for c in word.chars() {
                    let mut next = line.clone();
                    next.push(c);
                    if !line.is_empty() && self.width(&next, size) > max_width {
                        lines.push(std::mem::take(&mut line));
                        line.push(c);
                    } else {
                        line = next;
                    }
                }
            }
            lines.push(line);
        }
        lines
    }
}
