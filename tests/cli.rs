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

#[test]
fn check_warns_about_a_storage_key_that_matches_every_key_and_still_succeeds() {
    let dir = std::env::temp_dir().join(format!("assent-cli-star-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut config: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/small-config.json")).unwrap();
    config["storage"] = serde_json::json!([{
        "id": "everything", "kind": "cookie",
        "name": {"zh-CN": "全部", "en": "Everything"},
        "description": {"zh-CN": "全部", "en": "Everything"},
        "purposes": ["analytics"], "keys": ["_stats*", "*"]
    }]);
    let path = dir.join("star.json");
    std::fs::write(&path, config.to_string()).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_assent"))
        .arg("check")
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains(": valid:"), "{stdout}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].contains(
            "$.storage[0].keys[1]: key \"*\" matches every cookie and storage key of the site"
        ),
        "{stderr}"
    );

    // The small configuration as it is, without the catch-all key: no warning.
    config["storage"][0]["keys"] = serde_json::json!(["_stats*"]);
    std::fs::write(&path, config.to_string()).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_assent"))
        .arg("check")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&output.stderr).contains("warning:"));
    std::fs::remove_dir_all(&dir).unwrap();
}
