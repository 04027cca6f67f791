//! `breathband gui` (also `breathband` with no arguments): the desktop app.

use crate::app::panels::source_picker::{SourceKind, SourceSettings};
use crate::app::GuiOptions;
use crate::app::ScreenshotPlan;
use std::path::PathBuf;

/// Which source to start on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GuiSource {
    Virtual,
    Port,
    Replay,
}

#[derive(Debug, clap::Args)]
pub struct GuiArgs {
    /// Start on this source (default: the one used last time, else the virtual sensor).
    #[arg(long, value_enum)]
    source: Option<GuiSource>,
    /// Serial port, with `--source port`.
    #[arg(long, value_name = "PATH")]
    port: Option<String>,
    /// With --port: `auto` (a breathband board or text lines) or `bitalino`.
    #[arg(long, value_enum, default_value_t = super::record::Device::Auto, requires = "port")]
    device: super::record::Device,
    /// With --device bitalino: the chest and belly channels.
    #[arg(long, value_name = "A1,A2", default_value = "A1,A2", value_parser = crate::device::bitalino::source::parse_channels)]
    channels: [usize; 2],
    /// Session folder or CSV, with `--source replay`.
    #[arg(long, value_name = "PATH")]
    replay: Option<PathBuf>,
    /// Save a screenshot of the window to FILE.png after `--after-s` seconds, then exit.
    #[arg(long, value_name = "FILE.png")]
    screenshot: Option<PathBuf>,
    /// Seconds before the screenshot.
    #[arg(long, value_name = "N", default_value_t = 5.0, requires = "screenshot")]
    after_s: f64,
    /// Start the pacer with this pattern (see `breathband pacer --help`).
    #[arg(long, value_name = "PATTERN")]
    pacer: Option<String>,
    /// Open with the history shown.
    #[arg(long)]
    history: bool,
    /// Start a guided session at once.
    #[arg(long)]
    practice: bool,
    /// With --practice: step through prepare and band check on its own (demos, screenshots).
    #[arg(long, requires = "practice")]
    practice_auto: bool,
    /// With --practice-auto: press "Stop - I feel dizzy" after S seconds of
    /// signal (to show the advice screen in demos).
    #[arg(long, value_name = "S", requires = "practice_auto")]
    practice_stop_at: Option<f64>,
    /// With --practice-auto: stay on the calibration step (to show it in
    /// demos) instead of skipping it.
    #[arg(long, requires = "practice_auto")]
    practice_show_calibration: bool,
    /// Practice length, minutes (3 to 10).
    #[arg(long, value_name = "MIN")]
    practice_minutes: Option<f64>,
    /// Replay speed, with `--source replay` (1 = real time).
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// Virtual sensor settings, with `--source virtual`.
    #[command(flatten)]
    sensor: super::virtual_args::VirtualArgs,
}

impl GuiArgs {
    /// The arguments of a bare `breathband` (no subcommand).
    pub fn defaults() -> Self {
        use clap::{Args, FromArgMatches};
        let cmd = Self::augment_args(clap::Command::new("gui"));
        Self::from_arg_matches(&cmd.get_matches_from(["gui"])).expect("defaults parse")
    }
}

impl GuiArgs {
    /// The virtual sensor as `gui` starts it without options.
    fn defaults_sensor() -> anyhow::Result<crate::device::virtual_source::VirtualConfig> {
        Self::defaults().sensor.config()
    }
}

/// The source to start on, from `--source` and the virtual sensor options.
fn start_source(a: &GuiArgs) -> anyhow::Result<Option<SourceSettings>> {
    let vcfg = a.sensor.config()?;
    // Virtual sensor options (--share, --schedule...) mean the virtual
    // sensor: they start it when no other source is named, and are an
    // error beside one.
    let sensor_set = vcfg != GuiArgs::defaults_sensor()?;
    let source_kind = match (a.source, sensor_set) {
        (None, true) => Some(GuiSource::Virtual),
        (Some(GuiSource::Port | GuiSource::Replay), true) => anyhow::bail!(
            "the virtual sensor options (--share, --phase, --schedule...) need --source virtual"
        ),
        (s, _) => s,
    };
    let source = source_kind.map(|s| {
        let mut st = SourceSettings {
            virtual_rate_hz: vcfg.sample_rate_hz,
            virtual_params: vcfg.params.clone(),
            virtual_schedule: vcfg.schedule.clone(),
            virtual_seed: vcfg.seed,
            ..Default::default()
        };
        match s {
            GuiSource::Virtual => st.kind = SourceKind::Virtual,
            GuiSource::Port => {
                st.kind = SourceKind::Port;
                st.port = a.port.clone().unwrap_or_default();
                st.bitalino = a.device == super::record::Device::Bitalino;
                st.bitalino_channels = a.channels;
            }
            GuiSource::Replay => {
                st.kind = SourceKind::Replay;
                st.replay_path = a
                    .replay
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                st.replay_speed = a.speed;
            }
        }
        st
    });
    Ok(source)
}

pub fn run(a: GuiArgs, data_dir: Option<&std::path::Path>) -> anyhow::Result<()> {
    let source = start_source(&a)?;
    if let Some(m) = a.practice_minutes {
        if !(3.0..=10.0).contains(&m) {
            anyhow::bail!("--practice-minutes {m}: use 3 to 10");
        }
    }
    if !(a.speed.is_finite() && a.speed > 0.0) {
        anyhow::bail!("--speed must be more than 0");
    }
    if !(a.after_s.is_finite() && a.after_s >= 0.0) {
        anyhow::bail!("--after-s must be 0 or more");
    }
    crate::app::run(GuiOptions {
        source,
        screenshot: a.screenshot.map(|path| ScreenshotPlan {
            path,
            after_s: a.after_s,
        }),
        pacer: a.pacer,
        data_dir: data_dir.map(|d| d.to_path_buf()),
        practice: a.practice.then_some(a.practice_auto),
        practice_stop_at: a.practice_stop_at,
        practice_show_calibration: a.practice_show_calibration,
        practice_minutes: a.practice_minutes,
        history: a.history,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Args, FromArgMatches};

    fn parse(args: &[&str]) -> GuiArgs {
        let cmd = GuiArgs::augment_args(clap::Command::new("gui"));
        let m = cmd.try_get_matches_from(args).unwrap();
        GuiArgs::from_arg_matches(&m).unwrap()
    }

    #[test]
    fn virtual_sensor_options_start_the_virtual_sensor() {
        let s = start_source(&parse(&[
            "gui",
            "--share",
            "0.3",
            "--schedule",
            "60:phase=180",
        ]))
        .unwrap()
        .expect("a source");
        assert_eq!(s.kind, SourceKind::Virtual);
        assert_eq!(s.virtual_params.belly_share, 0.3);
        assert_eq!(s.virtual_schedule.changes().len(), 1);
        // Without options: the one used last time.
        assert!(start_source(&parse(&["gui"])).unwrap().is_none());
        // Beside another source: an error, not silently ignored.
        let e = start_source(&parse(&[
            "gui", "--source", "port", "--port", "/x", "--phase", "180",
        ]))
        .unwrap_err();
        assert!(e.to_string().contains("need --source virtual"), "{e}");
    }
}
