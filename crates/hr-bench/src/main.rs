//! `hr-bench`: the benchmark suite of issue #12.
//!
//! Runs each case against the sandbox (started in process, except where a
//! case says otherwise), the SDK with library defaults side by side with a
//! baseline written here with plain `reqwest` and `serde_json`, on the
//! same data; prints a markdown table and writes JSON (and the B1 chart as
//! SVG).
//!
//! ```sh
//! cargo run --release -p hr-bench -- [--quick] [--cases B1,B3] [--json FILE] [--markdown FILE] [--svg FILE]
//! ```
//!
//! `--quick` scales every size down and checks only that each case
//! completes with the right counts; the exit status is non-zero when a
//! count is wrong or a case fails, never because a time target is missed.
//! See `docs/performance.md` for the method.

mod beisen;
mod isdp;
mod report;
mod sync;
mod sys;
mod travel;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use serde::Serialize;

/// The runner's error type: every failure becomes a message in the report.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
/// The runner's result type.
pub type Res<T> = std::result::Result<T, Error>;

/// Every case, in the order they run.
const CASES: [&str; 8] = ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8"];

/// The sandbox latency of the network cases (B1, B2, B5–B8).
pub const LATENCY: Duration = Duration::from_millis(30);

/// How big each case is.
#[derive(Debug, Clone, Serialize)]
pub struct Sizes {
    /// Quick mode: counts are checked, targets are not judged.
    pub quick: bool,
    /// B1, B2: Beisen employees changed over the year.
    pub beisen: usize,
    /// B3: records decoded.
    pub decode: usize,
    /// B3: decode rounds (the fastest counts).
    pub decode_rounds: usize,
    /// B4: employees streamed.
    pub stream: usize,
    /// B5: ISDP persons.
    pub isdp: usize,
    /// B6: travel users pushed.
    pub travel: usize,
    /// B7: concurrent calls.
    pub token_calls: usize,
    /// B7: lifetime of ISDP tokens.
    #[serde(with = "secs")]
    pub token_ttl: Duration,
    /// B8: employees synced.
    pub sync: usize,
    /// B1 chart: the `.parallel(n)` values.
    pub sweep: Vec<usize>,
}

mod secs {
    pub fn serialize<S: serde::Serializer>(
        d: &std::time::Duration,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }
}

impl Sizes {
    fn full() -> Self {
        Sizes {
            quick: false,
            beisen: 100_000,
            decode: 100_000,
            decode_rounds: 3,
            stream: 1_000_000,
            isdp: 100_000,
            travel: 100_000,
            token_calls: 1_000,
            token_ttl: Duration::from_secs(20),
            sync: 100_000,
            sweep: vec![1, 2, 4, 8, 16],
        }
    }

    fn quick() -> Self {
        // Debug builds decode and generate records some 20× slower than
        // release ones: these sizes keep the whole run well under a minute.
        Sizes {
            quick: true,
            beisen: 600,
            decode: 600,
            decode_rounds: 1,
            stream: 1_500,
            isdp: 1_000,
            travel: 1_000,
            token_calls: 100,
            // Long enough that the expired-token burst (100 debug-build
            // calls on a busy machine) ends well inside the new token's
            // life: the fresh burst that follows must not refresh again.
            token_ttl: Duration::from_secs(6),
            sync: 600,
            sweep: vec![2],
        }
    }
}

/// One row of the table, and its details for the JSON.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    /// `B1` … `B8`.
    pub id: &'static str,
    /// What is measured.
    pub work: String,
    /// The SDK's result.
    pub sdk: String,
    /// The baseline's result.
    pub baseline: String,
    /// SDK against baseline.
    pub ratio: String,
    /// The issue's target.
    pub target: String,
    /// Whether the target was met (`None`: no target, or not measurable
    /// in this mode).
    pub met: Option<bool>,
    /// Wrong counts and failures: any makes the exit status non-zero.
    pub problems: Vec<String>,
    /// What a reader needs to judge the figures.
    pub notes: Vec<String>,
    /// Every figure measured.
    pub details: serde_json::Value,
}

impl Case {
    fn new(id: &'static str, work: impl Into<String>, target: impl Into<String>) -> Self {
        Case {
            id,
            work: work.into(),
            sdk: String::new(),
            baseline: String::new(),
            ratio: String::new(),
            target: target.into(),
            met: None,
            problems: Vec::new(),
            notes: Vec::new(),
            details: serde_json::Value::Null,
        }
    }

    /// Records a count check; a mismatch is a problem.
    pub fn expect(&mut self, what: &str, got: u64, want: u64) {
        if got != want {
            self.problems
                .push(format!("{what}: got {got}, want {want}"));
        }
    }

    /// Records a condition; `false` is a problem.
    pub fn check(&mut self, ok: bool, what: impl Into<String>) {
        if !ok {
            self.problems.push(what.into());
        }
    }
}

/// The command line.
#[derive(Debug)]
struct Options {
    quick: bool,
    cases: Vec<&'static str>,
    json: PathBuf,
    markdown: Option<PathBuf>,
    svg: PathBuf,
    /// Only redraw the chart from this run's JSON.
    svg_from: Option<PathBuf>,
}

const USAGE: &str =
    "usage: hr-bench [--quick] [--cases B1,B3] [--json FILE] [--markdown FILE] [--svg FILE]
  --quick          tiny sizes; checks counts only (for CI)
  --cases LIST     run only these cases (default: B1 to B8)
  --json FILE      results as JSON (default: target/hr-bench/<full|quick>.json)
  --markdown FILE  the table and notes as markdown (default: stdout only)
  --svg FILE       the B1 chart (default: target/hr-bench/<full|quick>-b1.svg)
  --svg-from JSON  run nothing: redraw the chart of that run's JSON into --svg";

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut quick = false;
    let mut cases = CASES.to_vec();
    let mut json = None;
    let mut markdown = None;
    let mut svg = None;
    let mut svg_from = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--quick" => quick = true,
            "--cases" => {
                let list = value()?;
                cases = Vec::new();
                for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    let upper = name.to_ascii_uppercase();
                    let case = CASES
                        .iter()
                        .find(|c| **c == upper)
                        .ok_or_else(|| format!("unknown case `{name}` (B1 to B8)"))?;
                    cases.push(*case);
                }
            }
            "--json" => json = Some(PathBuf::from(value()?)),
            "--markdown" => markdown = Some(PathBuf::from(value()?)),
            "--svg" => svg = Some(PathBuf::from(value()?)),
            "--svg-from" => svg_from = Some(PathBuf::from(value()?)),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    let out_dir = default_out_dir();
    let mode = if quick { "quick" } else { "full" };
    Ok(Options {
        quick,
        cases,
        json: json.unwrap_or_else(|| out_dir.join(format!("{mode}.json"))),
        markdown,
        svg: svg.unwrap_or_else(|| out_dir.join(format!("{mode}-b1.svg"))),
        svg_from,
    })
}

/// `target/hr-bench`, next to the profile directory this binary runs from.
pub fn default_out_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.join("hr-bench")))
        .unwrap_or_else(|| PathBuf::from("target/hr-bench"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Hidden subcommands: the runner re-executes itself for them.
    match args.first().map(String::as_str) {
        Some("__sandbox") => return sys::serve_sandbox(&args[1..]),
        Some("__b4") => return beisen::b4_child(&args[1..]),
        _ => {}
    }
    let options = match parse_options(&args) {
        Ok(o) => o,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    if let Some(json) = &options.svg_from {
        return redraw(json, &options.svg);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("hr-bench: no runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let sizes = if options.quick {
        Sizes::quick()
    } else {
        Sizes::full()
    };
    // The tree as the run starts (a build may come in while it runs).
    let mut run = report::RunInfo::collect(options.quick, &sizes);
    let started = std::time::Instant::now();
    let (cases, chart) = runtime.block_on(run_cases(&options, &sizes));
    let elapsed = started.elapsed();
    run.finish(elapsed);
    let markdown = report::markdown(&run, &cases);
    println!("{markdown}");
    let mut failed = false;
    let mut write = |path: &PathBuf, text: String| {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        match std::fs::write(path, text) {
            Ok(()) => eprintln!("hr-bench: wrote {}", path.display()),
            Err(e) => {
                eprintln!("hr-bench: cannot write {}: {e}", path.display());
                failed = true;
            }
        }
    };
    let json = serde_json::json!({ "run": run, "cases": cases, "b1_chart": chart });
    write(
        &options.json,
        serde_json::to_string_pretty(&json).unwrap_or_default(),
    );
    if let Some(path) = &options.markdown {
        write(path, markdown);
    }
    if let Some(chart) = &chart {
        write(&options.svg, report::svg(chart));
    }
    let problems: Vec<String> = cases
        .iter()
        .flat_map(|c| c.problems.iter().map(move |p| format!("{}: {p}", c.id)))
        .collect();
    for p in &problems {
        eprintln!("hr-bench: PROBLEM {p}");
    }
    eprintln!(
        "hr-bench: {} case(s) in {:.1} s, {} problem(s)",
        cases.len(),
        elapsed.as_secs_f64(),
        problems.len()
    );
    if failed || !problems.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `--svg-from`: the chart of a finished run, drawn again.
fn redraw(json: &PathBuf, svg: &PathBuf) -> ExitCode {
    let chart = || -> Res<report::Chart> {
        let run: serde_json::Value = serde_json::from_slice(&std::fs::read(json)?)?;
        Ok(serde_json::from_value(run["b1_chart"].clone())?)
    };
    match chart().and_then(|c| Ok(std::fs::write(svg, report::svg(&c))?)) {
        Ok(()) => {
            eprintln!("hr-bench: wrote {}", svg.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("hr-bench: no chart from {}: {e}", json.display());
            ExitCode::FAILURE
        }
    }
}

async fn run_cases(options: &Options, sizes: &Sizes) -> (Vec<Case>, Option<report::Chart>) {
    let mut cases = Vec::new();
    let mut chart = None;
    for id in &options.cases {
        eprintln!("hr-bench: {id}…");
        let started = std::time::Instant::now();
        let case = match *id {
            "B1" => beisen::b1(sizes).await.map(|(case, c)| {
                chart = Some(c);
                case
            }),
            "B2" => beisen::b2(sizes).await,
            "B3" => beisen::b3(sizes).await,
            "B4" => beisen::b4(sizes).await,
            "B5" => isdp::b5(sizes).await,
            "B6" => travel::b6(sizes).await,
            "B7" => isdp::b7(sizes).await,
            "B8" => sync::b8(sizes).await,
            _ => unreachable!("cases are checked when parsed"),
        };
        let case = case.unwrap_or_else(|e| {
            let mut case = Case::new(id, "(failed)", "");
            case.problems.push(format!("the case failed: {e}"));
            case
        });
        eprintln!(
            "hr-bench: {id} done in {:.1} s{}",
            started.elapsed().as_secs_f64(),
            if case.problems.is_empty() {
                String::new()
            } else {
                format!(": {}", case.problems.join("; "))
            }
        );
        cases.push(case);
    }
    (cases, chart)
}

/// `12,345` for a count or a rate.
pub fn thousands(x: f64) -> String {
    let n = x.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(1_000.0), "1,000");
        assert_eq!(thousands(1_234_567.0), "1,234,567");
        assert_eq!(thousands(-12_345.0), "-12,345");
    }

    #[test]
    fn options_parse_cases_and_refuse_unknown_ones() {
        let args = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        let o = parse_options(&args("--quick --cases b1,B3 --json x.json")).unwrap();
        assert!(o.quick);
        assert_eq!(o.cases, ["B1", "B3"]);
        assert_eq!(o.json, PathBuf::from("x.json"));
        assert!(parse_options(&args("--cases B9")).is_err());
        assert!(parse_options(&args("--json")).is_err());
        assert!(parse_options(&args("--fast")).is_err());
    }
}
