//! The outputs: the machine and run, the markdown table, the B1 chart.

use std::fmt::Write as _;
use std::process::Command;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{Case, Sizes, thousands};

/// Where and how the run happened.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    /// `quick` or `full`.
    pub mode: &'static str,
    /// When it ended (UTC).
    pub date: String,
    /// `git rev-parse --short HEAD` as the run started, with `-dirty` when
    /// the tree had changes. The binary may be older than the tree.
    pub commit: String,
    /// Logical CPUs.
    pub cpus: usize,
    /// `MemTotal` in GiB.
    pub memory_gib: f64,
    /// `rustc -V`.
    pub rustc: String,
    /// Whether this binary was built with optimisations.
    pub release: bool,
    /// `/proc/loadavg` at the end: others' work on a shared machine.
    pub load_average: String,
    /// Wall time of the whole run.
    pub seconds: f64,
    /// The sizes used.
    pub sizes: Sizes,
}

fn command_line(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

impl RunInfo {
    /// Reads the machine and the tree, as the run starts.
    pub fn collect(quick: bool, sizes: &Sizes) -> Self {
        let memory_gib = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|m| {
                let line = m.lines().find(|l| l.starts_with("MemTotal:"))?.to_owned();
                let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
                Some((kib / (1 << 20) as f64 * 10.0).round() / 10.0)
            })
            .unwrap_or(0.0);
        let commit = command_line("git", &["rev-parse", "--short", "HEAD"])
            .map(|c| {
                let dirty = command_line("git", &["status", "--porcelain", "--untracked-files=no"])
                    .is_some_and(|s| !s.is_empty());
                if dirty { format!("{c}-dirty") } else { c }
            })
            .unwrap_or_else(|| "unknown".into());
        RunInfo {
            mode: if quick { "quick" } else { "full" },
            date: beisen_client::chrono::Utc::now()
                .format("%Y-%m-%d %H:%M UTC")
                .to_string(),
            commit,
            cpus: std::thread::available_parallelism().map_or(0, |n| n.get()),
            memory_gib,
            rustc: command_line("rustc", &["-V"]).unwrap_or_else(|| "unknown".into()),
            release: !cfg!(debug_assertions),
            load_average: load_average(),
            seconds: 0.0,
            sizes: sizes.clone(),
        }
    }

    /// Stamps the end of the run: date, load, duration.
    pub fn finish(&mut self, elapsed: Duration) {
        self.date = beisen_client::chrono::Utc::now()
            .format("%Y-%m-%d %H:%M UTC")
            .to_string();
        self.load_average = load_average();
        self.seconds = elapsed.as_secs_f64();
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// Escapes `|` so a cell stays a cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// The table and the notes.
pub fn markdown(run: &RunInfo, cases: &[Case]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "hr-bench {} run, {}, commit {}; {} CPUs, {} GiB, {}, {} build; load average at the end {}; {:.0} s",
        run.mode,
        run.date,
        run.commit,
        run.cpus,
        run.memory_gib,
        run.rustc,
        if run.release { "release" } else { "debug" },
        run.load_average,
        run.seconds
    );
    out.push('\n');
    out.push_str("| case | work | SDK | baseline | ratio | target | met? |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    for c in cases {
        let met = match (c.problems.is_empty(), c.met) {
            (false, _) => "**wrong counts**",
            (true, Some(true)) => "yes",
            (true, Some(false)) => "**no**",
            (true, None) => "–",
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            c.id,
            cell(&c.work),
            cell(&c.sdk),
            cell(&c.baseline),
            cell(&c.ratio),
            cell(&c.target),
            met
        );
    }
    out.push('\n');
    for c in cases {
        for note in c
            .problems
            .iter()
            .map(|p| format!("PROBLEM: {p}"))
            .chain(c.notes.iter().cloned())
        {
            let _ = writeln!(out, "- {}: {}", c.id, note);
        }
    }
    out
}

/// One point of the chart.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChartPoint {
    /// `.parallel(n)`.
    pub parallel: usize,
    /// Throughput.
    pub records_per_second: f64,
}

/// B1 throughput against concurrency.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Chart {
    /// The heading.
    pub title: String,
    /// The vendor's ceiling, records/s.
    pub ceiling: f64,
    /// The do-while, records/s.
    pub baseline: f64,
    /// The SDK with library defaults.
    pub default_point: ChartPoint,
    /// The SDK at each `.parallel(n)`.
    pub points: Vec<ChartPoint>,
}

/// A step for grid lines: 1, 2 or 5 × a power of ten, about `span / 6`.
fn nice_step(span: f64) -> f64 {
    let raw = (span / 6.0).max(1.0);
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude)
}

/// The chart as a standalone SVG document.
pub fn svg(chart: &Chart) -> String {
    let (width, height) = (760.0, 420.0);
    let (left, right, top, bottom) = (80.0, 200.0, 50.0, 60.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let peak = chart
        .points
        .iter()
        .map(|p| p.records_per_second)
        .chain([
            chart.ceiling,
            chart.baseline,
            chart.default_point.records_per_second,
        ])
        .fold(0.0, f64::max);
    let step = nice_step(peak * 1.1);
    let y_max = ((peak * 1.1) / step).ceil() * step;
    let max_n = chart
        .points
        .iter()
        .map(|p| p.parallel)
        .chain([chart.default_point.parallel])
        .max()
        .unwrap_or(1)
        .max(2) as f64;
    let x = |n: usize| left + (n.max(1) as f64).log2() / max_n.log2() * plot_w;
    let y = |v: f64| top + plot_h - v / y_max * plot_h;

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{}" y="24" text-anchor="middle" font-size="14" font-weight="bold">{}</text>"#,
        width / 2.0,
        xml(&chart.title)
    );
    // Grid and y labels.
    let mut v = 0.0;
    while v <= y_max + 0.5 {
        let yy = y(v);
        let _ = writeln!(
            s,
            r##"<line x1="{left}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#e5e5e5"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
            left + plot_w,
            left - 8.0,
            yy + 4.0,
            thousands(v)
        );
        v += step;
    }
    // X ticks at each concurrency measured.
    let mut ticks: Vec<usize> = chart.points.iter().map(|p| p.parallel).collect();
    ticks.push(chart.default_point.parallel);
    ticks.sort_unstable();
    ticks.dedup();
    for n in ticks {
        let xx = x(n);
        let _ = writeln!(
            s,
            r##"<line x1="{xx:.1}" y1="{:.1}" x2="{xx:.1}" y2="{:.1}" stroke="#999"/><text x="{xx:.1}" y="{:.1}" text-anchor="middle">{n}</text>"##,
            top + plot_h,
            top + plot_h + 5.0,
            top + plot_h + 20.0
        );
    }
    let _ = writeln!(
        s,
        r##"<line x1="{left}" y1="{top}" x2="{left}" y2="{:.1}" stroke="#333"/><line x1="{left}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#333"/>"##,
        top + plot_h,
        top + plot_h,
        left + plot_w,
        top + plot_h
    );
    let _ = writeln!(
        s,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">concurrency (.parallel(n), log scale)</text>"#,
        left + plot_w / 2.0,
        height - 15.0
    );
    let _ = writeln!(
        s,
        r#"<text x="18" y="{:.1}" text-anchor="middle" transform="rotate(-90 18 {:.1})">records/s</text>"#,
        top + plot_h / 2.0,
        top + plot_h / 2.0
    );
    // Reference lines.
    for (value, colour, label) in [
        (
            chart.ceiling,
            "#d62728",
            format!("ceiling {}", thousands(chart.ceiling)),
        ),
        (
            chart.baseline,
            "#7f7f7f",
            format!("do-while {}", thousands(chart.baseline)),
        ),
    ] {
        let yy = y(value);
        let _ = writeln!(
            s,
            r#"<line x1="{left}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="{colour}" stroke-width="2" stroke-dasharray="6 4"/><text x="{:.1}" y="{:.1}" fill="{colour}">{}</text>"#,
            left + plot_w,
            left + plot_w + 8.0,
            yy + 4.0,
            xml(&label)
        );
    }
    // The SDK's sweep.
    let path: Vec<String> = chart
        .points
        .iter()
        .map(|p| format!("{:.1},{:.1}", x(p.parallel), y(p.records_per_second)))
        .collect();
    let _ = writeln!(
        s,
        r##"<polyline points="{}" fill="none" stroke="#1f77b4" stroke-width="2"/>"##,
        path.join(" ")
    );
    // Values under the sweep's points, the defaults' above its marker, so
    // that labels of close values do not print over each other.
    for p in &chart.points {
        let (xx, yy) = (x(p.parallel), y(p.records_per_second));
        let _ = writeln!(
            s,
            r##"<circle cx="{xx:.1}" cy="{yy:.1}" r="4" fill="#1f77b4"/><text x="{xx:.1}" y="{:.1}" text-anchor="middle" fill="#1f77b4">{}</text>"##,
            yy + 18.0,
            thousands(p.records_per_second)
        );
    }
    let d = &chart.default_point;
    let (xx, yy) = (x(d.parallel), y(d.records_per_second));
    let _ = writeln!(
        s,
        r##"<path d="{}" fill="#ff7f0e"/><text x="{xx:.1}" y="{:.1}" text-anchor="middle" fill="#ff7f0e">{}</text>"##,
        diamond(xx, yy),
        yy - 11.0,
        thousands(d.records_per_second)
    );
    // The legend, in the right margin.
    let lx = left + plot_w + 8.0;
    let _ = writeln!(
        s,
        r##"<line x1="{lx:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#1f77b4" stroke-width="2"/><circle cx="{:.1}" cy="{:.1}" r="4" fill="#1f77b4"/><text x="{:.1}" y="{:.1}">SDK, .parallel(n)</text>"##,
        top + 6.0,
        lx + 24.0,
        top + 6.0,
        lx + 12.0,
        top + 6.0,
        lx + 30.0,
        top + 10.0
    );
    let _ = writeln!(
        s,
        r##"<path d="{}" fill="#ff7f0e"/><text x="{:.1}" y="{:.1}">SDK, library defaults ({})</text>"##,
        diamond(lx + 12.0, top + 26.0),
        lx + 30.0,
        top + 30.0,
        d.parallel
    );
    s.push_str("</svg>\n");
    s
}

/// A diamond marker centred on `(x, y)`, as a path.
fn diamond(x: f64, y: f64) -> String {
    format!(
        "M {x:.1} {:.1} L {:.1} {y:.1} L {x:.1} {:.1} L {:.1} {y:.1} Z",
        y - 7.0,
        x + 7.0,
        y + 7.0,
        x - 7.0
    )
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(33_000.0), 10_000.0);
        assert_eq!(nice_step(12_000.0), 2_000.0);
        assert_eq!(nice_step(6.0), 1.0);
    }

    #[test]
    fn the_chart_draws_every_point_and_both_lines() {
        let chart = Chart {
            title: "B1 <test>".into(),
            ceiling: 30_000.0,
            baseline: 8_000.0,
            default_point: ChartPoint {
                parallel: 8,
                records_per_second: 27_000.0,
            },
            points: [1, 2, 4, 8, 16]
                .map(|n| ChartPoint {
                    parallel: n,
                    records_per_second: 6_000.0 * n as f64,
                })
                .to_vec(),
        };
        let svg = svg(&chart);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        // Five points and the legend's marker.
        assert_eq!(svg.matches("<circle").count(), 6);
        for label in [">6,000<", ">12,000<", ">24,000<", ">48,000<", ">96,000<"] {
            assert!(svg.contains(label), "{label}");
        }
        assert!(svg.contains("ceiling 30,000"));
        assert!(svg.contains("do-while 8,000"));
        assert!(svg.contains(">27,000<"));
        assert!(svg.contains("SDK, library defaults (8)"));
        assert!(svg.contains("B1 &lt;test&gt;"));
    }

    #[test]
    fn a_case_with_wrong_counts_says_so_in_the_table() {
        let mut case = Case::new("B6", "push", "ratio reported");
        case.met = Some(true);
        case.expect("users", 1, 2);
        let run = RunInfo::collect(true, &Sizes::quick());
        let md = markdown(&run, &[case]);
        assert!(md.contains("| B6 | push |"));
        assert!(md.contains("**wrong counts**"));
        assert!(md.contains("PROBLEM: users: got 1, want 2"));
    }
}
