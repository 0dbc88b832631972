//! Runs the ISDP+ person export chain (start, poll, download) and writes
//! the downloaded file: `isdp_export --out FILE [--name EXPORT_NAME]`.
//!
//! With `ISDP_BASE_URL`, `ISDP_CLIENT_ID`, `ISDP_CLIENT_SECRET`,
//! `ISDP_USERNAME` and `ISDP_PASSWORD` set it exports from that tenant;
//! otherwise from the ISDP+ sandbox started in process. Exits non-zero on
//! any failure, including a failed task (`--name fail` on the sandbox).
//!
//! ```sh
//! cargo run --example isdp_export -- --out persons.csv
//! ```

use std::io::Write;
use std::path::PathBuf;

use futures::TryStreamExt;
use hr_sdk::common::{Error, Result};
use hr_sdk::isdp::{Credentials, ExportPersons, ExportProgress, IsdpClient};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("isdp_export: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn args() -> Result<(PathBuf, String)> {
    let mut out = None;
    let mut name = "ChengTiePersonModel.export".to_owned();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = args.next().map(PathBuf::from),
            "--name" => {
                name = args
                    .next()
                    .ok_or_else(|| Error::invalid("--name needs a value"))?
            }
            other => {
                return Err(Error::invalid(format!(
                    "unknown argument `{other}`; usage: isdp_export --out FILE [--name EXPORT_NAME]"
                )));
            }
        }
    }
    Ok((
        out.ok_or_else(|| Error::invalid("usage: isdp_export --out FILE [--name EXPORT_NAME]"))?,
        name,
    ))
}

async fn run() -> Result<()> {
    let (out, name) = args()?;
    let (client, _sandbox) = connect().await?;
    let (task, download) = client
        .persons()
        .export(ExportPersons::new(name))
        .on_progress(|p| {
            let t = p.task();
            let what = match p {
                ExportProgress::Started(_) => "started",
                ExportProgress::Ready(_) => "ready",
                _ => "running",
            };
            eprintln!(
                "isdp_export: task {} {what}, status {:?}, {}%",
                t.task_id,
                t.status,
                t.progress_rate.as_deref().unwrap_or("?")
            );
        })
        .await?;
    let io = |e: std::io::Error| Error::invalid(format!("writing {}: {e}", out.display()));
    // Into a temporary file next to `--out`, renamed over it only once the
    // whole download is in: a failed download leaves no partial file.
    let mut tmp_name = out.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(format!(".part-{}", std::process::id()));
    let tmp = out.with_file_name(tmp_name);
    let written = async {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(io)?);
        let mut written = 0u64;
        let mut chunks = download.into_stream();
        while let Some(chunk) = chunks.try_next().await? {
            file.write_all(&chunk).map_err(io)?;
            written += chunk.len() as u64;
        }
        file.into_inner()
            .map_err(|e| io(e.into_error()))?
            .sync_all()
            .map_err(io)?;
        std::fs::rename(&tmp, &out).map_err(io)?;
        Ok::<_, Error>(written)
    }
    .await;
    let written = match written {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    eprintln!(
        "isdp_export: wrote {written} bytes ({} records) to {}",
        task.records.unwrap_or(0),
        out.display()
    );
    Ok(())
}

async fn connect() -> Result<(IsdpClient, Option<hr_sandbox::Sandbox>)> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    if var("ISDP_BASE_URL").is_some() {
        return Ok((IsdpClient::from_env()?, None));
    }
    let sandbox = hr_sandbox::Sandbox::start(Default::default())
        .await
        .map_err(|e| Error::invalid(format!("starting the sandbox: {e}")))?;
    eprintln!(
        "isdp_export: no ISDP_BASE_URL, using the sandbox at {}",
        sandbox.isdp_url()
    );
    let isdp = &sandbox.config().isdp;
    let client = IsdpClient::builder()
        .base_url(sandbox.isdp_url())
        .credentials(Credentials::password_grant(
            isdp.client_id.clone(),
            isdp.client_secret.clone(),
            isdp.username.clone(),
            isdp.password.clone(),
        ))
        .build()?;
    Ok((client, Some(sandbox)))
}
