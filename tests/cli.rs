//! The `assent` command as site owners run it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn check_exits_one_and_names_problems_even_when_the_reader_stops_early() {
    let dir = std::env::temp_dir().join(format!("assent-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.json");
    let many = vec!["0"; 5000].join(",");
    std::fs::write(&path, format!(r#"{{"purposes":[{many}]}}"#)).unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_assent"))
        .arg("check")
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then close the pipe, as `assent check … | head -1` does.
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(first.contains("missing field `assentConfig`"), "{first}");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}
