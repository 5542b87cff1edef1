//! `assent check CONFIG.json`: validates a configuration before a site deploys it and
//! prints every problem with its JSON path. Exits 0 when valid, 1 when not, 2 on
//! usage or I/O errors. Uses only the core; it shares the browser's parser exactly.
//! `assent schema`: prints the configuration's JSON Schema (docs/config.schema.json).

use std::io::Write;
use std::process::ExitCode;

/// Prints to stdout; a closed pipe (`assent check … | head`) is not an error.
fn out(text: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [command, path] if command == "check" => check(path),
        [command] if command == "schema" => {
            out(&assent::config::json_schema());
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: assent check CONFIG.json | assent schema");
            ExitCode::from(2)
        }
    }
}

fn check(path: &str) -> ExitCode {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{path}: cannot read: {e}");
            return ExitCode::from(2);
        }
    };
    match assent::Config::parse(&text) {
        Ok(config) => {
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
        Err(errors) => {
            for error in &errors {
                out(&format!("{path}: {error}"));
            }
            out(&format!("{path}: {} problem(s)", errors.len()));
            ExitCode::from(1)
        }
    }
}
