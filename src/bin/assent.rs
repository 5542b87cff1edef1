//! The `assent` command, as site owners run it. Uses only the core; it shares the
//! browser's parser exactly.
//!
//! - `assent check CONFIG.json`: validates a configuration before a site deploys it
//!   and prints every problem with its JSON path, and on stderr each warning
//!   (`Config::warnings`: valid, probably not meant), which fails nothing.
//! - `assent build CONFIG.json --out DIR [--base URL] [--assets DIR]`: the same
//!   validation, then the compiled build (`assent::build`, docs/build-format.md):
//!   `DIR/<build-id>/...` and `DIR/snippet.html`; prints the snippet. An invalid
//!   configuration writes nothing. A valid one is written whole into a temporary
//!   folder beside DIR, which then replaces DIR by renaming, so DIR is never
//!   half-written.
//! - `assent schema`: prints the configuration's JSON Schema (docs/config.schema.json).
//!
//! Exits 0 on success, 1 on an invalid configuration, 2 on usage or I/O errors.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use assent::build::{self, Build};
use assent::Config;

const USAGE: &str = "usage: assent check CONFIG.json | assent build CONFIG.json --out DIR [--base URL] [--assets DIR] | assent schema";

/// Where `--assets` points when not given: what scripts/build.sh produces.
const DEFAULT_ASSETS: &str = "dist";

/// Prints to stdout; a closed pipe (`assent check … | head`) is not an error.
fn out(text: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [command, path] if command == "check" => match load(path) {
            Ok((_, config)) => {
                out(&format!(
                    "{path}: valid: policy {} version {}, {} purposes, {} third parties, {} data items",
                    config.policy().id,
                    config.policy().version,
                    config.purposes().len(),
                    config.third_parties().len(),
                    config.data_items().len()
                ));
                ExitCode::SUCCESS
            }
            Err(code) => code,
        },
        [command, rest @ ..] if command == "build" => match BuildArgs::parse(rest) {
            Some(args) => build_command(&args),
            None => usage(),
        },
        [command] if command == "schema" => {
            out(&assent::config::json_schema());
            ExitCode::SUCCESS
        }
        _ => usage(),
    }
}

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

/// Reads and validates a configuration, as `check` and `build` both do: on failure
/// prints every problem (stdout, one per line, then the count) and returns the exit
/// code; on success prints its warnings (stderr).
fn load(path: &str) -> Result<(String, Config), ExitCode> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        eprintln!("{path}: cannot read: {e}");
        ExitCode::from(2)
    })?;
    match Config::parse(&text) {
        Ok(config) => {
            for warning in config.warnings() {
                eprintln!("warning: {path}: {warning}");
            }
            Ok((text, config))
        }
        Err(errors) => {
            for error in &errors {
                out(&format!("{path}: {error}"));
            }
            out(&format!("{path}: {} problem(s)", errors.len()));
            Err(ExitCode::from(1))
        }
    }
}

/// `build`'s arguments: the configuration, then options in any order.
struct BuildArgs {
    config: String,
    out: PathBuf,
    base: String,
    assets: PathBuf,
}

impl BuildArgs {
    fn parse(args: &[String]) -> Option<BuildArgs> {
        let (config, options) = args.split_first()?;
        let (mut out, mut base, mut assets) = (None, None, None);
        let mut options = options.iter();
        while let Some(option) = options.next() {
            let value = options.next()?.clone();
            let slot = match option.as_str() {
                "--out" => &mut out,
                "--base" => &mut base,
                "--assets" => &mut assets,
                _ => return None,
            };
            if slot.replace(value).is_some() {
                return None;
            }
        }
        Some(BuildArgs {
            config: config.clone(),
            out: PathBuf::from(out?),
            base: base.unwrap_or_else(|| build::DEFAULT_BASE.to_string()),
            assets: PathBuf::from(assets.unwrap_or_else(|| DEFAULT_ASSETS.to_string())),
        })
    }
}

fn build_command(args: &BuildArgs) -> ExitCode {
    let (source, config) = match load(&args.config) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    if replaces_assets(&args.out, &args.assets) {
        eprintln!(
            "{}: the build would replace the static files in {}: give another --out",
            args.out.display(),
            args.assets.display()
        );
        return ExitCode::from(2);
    }
    let assets = match read_assets(&args.assets, &args.out) {
        Ok(assets) => assets,
        Err(e) => {
            eprintln!(
                "{}: cannot read the static files: {e}",
                args.assets.display()
            );
            return ExitCode::from(2);
        }
    };
    let stub = assets
        .as_ref()
        .and_then(|files| files.get(build::STUB_FILE))
        .and_then(|bytes| std::str::from_utf8(bytes).ok());
    let empty = BTreeMap::new();
    let made = match build::build(
        &config,
        &source,
        assets.as_ref().unwrap_or(&empty),
        stub,
        &args.base,
    ) {
        Ok(made) => made,
        Err(e) => {
            eprintln!("--base: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = write_build(&args.out, &made) {
        eprintln!("{}: cannot write the build: {e}", args.out.display());
        return ExitCode::from(2);
    }
    let assets_shown = args.assets.display();
    if assets.is_none() {
        eprintln!("warning: {assets_shown} is not a folder: static files were not copied (run scripts/build.sh, or give --assets)");
    }
    if stub.is_none() {
        eprintln!("warning: no {assets_shown}/{}: snippet.html has no stub code (run scripts/build.sh, or give --assets)", build::STUB_FILE);
    }
    eprintln!(
        "{}: build {} (configuration digest {}), {} files",
        args.out.join(&made.id).display(),
        made.id,
        made.digest,
        made.files.len()
    );
    let _ = write!(std::io::stdout().lock(), "{}", made.snippet);
    ExitCode::SUCCESS
}

/// Whether `assets` is `out` or inside it: replacing `out` would delete them.
fn replaces_assets(out: &Path, assets: &Path) -> bool {
    match (std::fs::canonicalize(out), std::fs::canonicalize(assets)) {
        (Ok(out), Ok(assets)) => assets.starts_with(out),
        _ => false,
    }
}

/// The static files under `assets` (relative `/`-separated path to bytes), or `None`
/// when there is no such folder. Left out: the source configuration and anything an
/// earlier build wrote (`build::is_build_output`, versioned folders), and the output
/// folder itself when it lies inside `assets`.
fn read_assets(assets: &Path, out: &Path) -> std::io::Result<Option<BTreeMap<String, Vec<u8>>>> {
    if !assets.is_dir() {
        return Ok(None);
    }
    let out = std::fs::canonicalize(out).ok();
    let mut files = BTreeMap::new();
    let mut folders = vec![(assets.to_path_buf(), String::new())];
    while let Some((folder, prefix)) = folders.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            // Hidden entries include a build's temporary folders (`.DIR.tmp-…`).
            if name.starts_with('.') {
                continue;
            }
            // A linked folder is not followed (it could lead back up); linked files are.
            if entry.file_type()?.is_dir() {
                let is_out = out.is_some() && std::fs::canonicalize(&path).ok() == out;
                if !is_out && !build::is_build_id(&name) {
                    folders.push((path, format!("{prefix}{name}/")));
                }
            } else if path.is_file() && !build::is_build_output(&name) {
                files.insert(format!("{prefix}{name}"), std::fs::read(&path)?);
            }
        }
    }
    Ok(Some(files))
}

/// Writes the build into a temporary folder beside `out`, then puts it in `out`'s
/// place: the old `out` is renamed aside, the new one renamed in, the old one
/// removed. `out` is never half-written; between the two renames it is absent.
fn write_build(out: &Path, made: &Build) -> std::io::Result<()> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let name = out
        .file_name()
        .ok_or_else(|| std::io::Error::other("--out must name a folder"))?
        .to_string_lossy();
    if out.exists() && !out.is_dir() {
        return Err(std::io::Error::other("it exists and is not a folder"));
    }
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.tmp-{pid}"));
    let retired = parent.join(format!(".{name}.old-{pid}"));
    let written = write_files(&staging, made);
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
        return written;
    }
    if out.exists() {
        std::fs::rename(out, &retired)?;
    }
    if let Err(e) = std::fs::rename(&staging, out) {
        // Put the previous build back rather than leave no build.
        let _ = std::fs::rename(&retired, out);
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if retired.exists() {
        std::fs::remove_dir_all(&retired)?;
    }
    Ok(())
}

fn write_files(staging: &Path, made: &Build) -> std::io::Result<()> {
    if staging.exists() {
        std::fs::remove_dir_all(staging)?;
    }
    let folder = staging.join(&made.id);
    for (path, bytes) in &made.files {
        let file = folder.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(file, bytes)?;
    }
    std::fs::write(staging.join(build::SNIPPET_FILE), &made.snippet)
}
