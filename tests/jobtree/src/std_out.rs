//! `std.out` and `std.err` of the DIRAC job wrapper.
//!
//! `std.out` is the wrapper's own log: `YYYY-MM-DD hh:mm:ss UTC Component LEVEL: message` lines
//! for the environment, each workflow module of each step (with periodic watchdog heartbeats
//! while the application runs), the uploads and the final status. `std.err` is empty for most
//! jobs: only failed jobs and a few noisy ones write to it.

use super::apps::App;
use super::clock::push_iso;
use super::job::{JobCtx, StepCtx};
use super::out::{Out, w};

/// Stream tag of the `std.out` writer in [`JobCtx::rng_for`].
const KIND_OUT: u64 = 5;
/// Stream tag of the `std.err` writer.
const KIND_ERR: u64 = 6;

/// Seconds between two watchdog heartbeats.
const HEARTBEAT_S: u64 = 600;

/// Appends the line prefix: time stamp, component and level.
fn head(out: &mut Out, secs: u64, component: &str, level: &str) {
    if out.full() {
        return;
    }
    push_iso(&mut out.buf, secs);
    w!(out, " UTC {component} {level}: ");
}

/// Environment variables the wrapper prints before starting (name, value pattern).
const ENVIRONMENT: [(&str, &str); 14] = [
    ("CMTCONFIG", "x86_64-slc6-gcc48-opt"),
    ("DIRAC", "/scratch/dirac/pilot"),
    ("DIRACPLAT", "Linux_x86_64_glibc-2.12"),
    (
        "DIRACPYTHON",
        "/scratch/dirac/pilot/Linux_x86_64_glibc-2.12/bin/python",
    ),
    ("LHCBRELEASES", "/cvmfs/lhcb.cern.ch/lib/lhcb"),
    ("MYSITEROOT", "/cvmfs/lhcb.cern.ch/lib"),
    ("VO_LHCB_SW_DIR", "/cvmfs/lhcb.cern.ch"),
    ("X509_CERT_DIR", "/etc/grid-security/certificates"),
    ("X509_USER_PROXY", "/scratch/dirac/pilot/tmp/x509up_u1501"),
    ("PYTHONOPTIMIZE", "x"),
    ("LANG", "C"),
    ("SHELL", "/bin/bash"),
    ("TMPDIR", "/scratch/dirac/tmp"),
    ("DIRAC_PROCESSORS", "1"),
];

/// Writes the job wrapper's standard output (stops early once `out` is full).
pub(crate) fn write_std_out(job: &JobCtx, out: &mut Out) {
    let mut rng = job.rng_for(0, KIND_OUT);
    let mut t = job.start_s;
    head(out, t, "JobWrapper", "INFO");
    w!(
        out,
        "Job Wrapper is starting execution phase for job {}\n",
        job.wms_id
    );
    head(out, t, "JobWrapper", "INFO");
    w!(out, "Running on {} at site {}\n", job.host, job.site);
    head(out, t, "JobWrapper", "INFO");
    w!(
        out,
        "CPU model: {}, normalization factor {}.{:02} HS06\n",
        job.cpu_model,
        job.power_x100 / 100,
        job.power_x100 % 100
    );
    for (name, value) in ENVIRONMENT {
        head(out, t, "JobWrapper", "VERBOSE");
        w!(out, "environment {name}={value}\n");
    }
    head(out, t, "JobWrapper", "VERBOSE");
    w!(out, "environment DIRACJOBID={}\n", job.wms_id);
    head(out, t, "JobWrapper", "VERBOSE");
    w!(out, "environment HOSTNAME={}\n", job.host);
    t += rng.range(1, 15);
    head(out, t, "Workflow", "INFO");
    w!(
        out,
        "Resolved workflow {}_{} with {} steps\n",
        job.prod,
        job.job,
        job.workflow.len()
    );
    for step in &job.steps {
        if out.full() {
            return;
        }
        step_lines(job, step, &mut rng, out);
    }
    let mut t = job.steps.last().map_or(job.start_s, |s| s.end_ms / 1000) + rng.range(2, 10);
    if let Some(step) = job.failed() {
        head(out, t, "Workflow", "ERROR");
        w!(
            out,
            "Step {}_{} failed, remaining steps skipped\n",
            step.app.name(),
            step.number
        );
        head(out, t, "FailoverRequest", "INFO");
        w!(
            out,
            "Job {} will be marked Failed, file status set to Unused\n",
            job.wms_id
        );
    } else {
        for step in &job.steps {
            t += rng.range(5, 60);
            head(out, t, "UploadOutputData", "INFO");
            w!(
                out,
                "Uploaded {}.{} to Tier1-Buffer ({} events, {} bytes)\n",
                step.prefix(job),
                step.app.output_type(),
                step.events_out,
                step.events_out * rng.range(90_000, 400_000)
            );
        }
    }
    head(out, t, "UploadLogFile", "INFO");
    w!(
        out,
        "Uploading log tarball {}_{}.tar to LogSE\n",
        job.prod,
        job.job
    );
    head(out, job.end_s, "JobWrapper", "INFO");
    let status = if job.failed_step.is_some() {
        "Failed"
    } else {
        "Done"
    };
    w!(
        out,
        "Job {} finished with status {status}, wall clock {} s\n",
        job.wms_id,
        job.end_s.saturating_sub(job.start_s)
    );
}

/// The wrapper lines of one application step.
fn step_lines(job: &JobCtx, step: &StepCtx, rng: &mut super::rng::Rng, out: &mut Out) {
    let app = step.app;
    let prefix = step.prefix(job);
    let mut t = step.start_ms / 1000;
    head(out, t, "GaudiApplication", "INFO");
    w!(
        out,
        "Executing application {} {} for step {}_{}\n",
        app.name(),
        app.version(),
        app.name(),
        step.number
    );
    head(out, t, "GaudiApplication", "INFO");
    w!(
        out,
        "Command = lb-run --use=\"AppConfig v3r164\" --use=\"ProdConf\" -c x86_64-slc6-gcc48-opt {}/{} gaudirun.py -T prodConf_{}_{prefix}.py\n",
        app.name(),
        app.version(),
        app.name()
    );
    let end = step.end_ms / 1000;
    let mut cpu = 0.0f64;
    while t + HEARTBEAT_S < end {
        if out.full() {
            return;
        }
        t += HEARTBEAT_S;
        cpu += HEARTBEAT_S as f64 * rng.float(0.9, 1.0);
        head(out, t, "Watchdog", "INFO");
        w!(
            out,
            "Heartbeat: CPU {cpu:.1} s, wall clock {} s, memory {} MB, load average {:.2}\n",
            t - step.start_ms / 1000,
            step.memory_kb / 1024 - rng.below(100),
            rng.float(0.8, 8.0)
        );
    }
    t = end;
    let code = if step.failed { 4 } else { 0 };
    head(out, t, "GaudiApplication", "INFO");
    w!(out, "Status after the {} execution is {code}\n", app.name());
    if step.failed {
        head(out, t, "GaudiApplication", "ERROR");
        w!(
            out,
            "{} {} exited with status {code}\n",
            app.name(),
            app.version()
        );
    }
    head(
        out,
        t,
        "AnalyseXMLSummary",
        if step.failed { "ERROR" } else { "INFO" },
    );
    w!(
        out,
        "summary{}_{prefix}.xml: success {}, {} events in, {} events out\n",
        app.name(),
        if step.failed { "False" } else { "True" },
        step.events_in,
        step.events_out
    );
    head(out, t, "ErrorLogging", "INFO");
    w!(
        out,
        "Scanned {}_{prefix}.log: {} warnings, {} errors\n",
        app.name(),
        rng.below(30),
        u64::from(step.failed) + rng.below(3)
    );
    let cpu_s = step.cpu_ms() as f64 / 1000.0;
    head(out, t + 1, "StepAccounting", "INFO");
    w!(
        out,
        "CPU {cpu_s:.2} s, normalized {:.2} HS06.s, wall clock {} s\n",
        cpu_s * job.power_x100 as f64 / 100.0,
        (step.end_ms - step.start_ms) / 1000
    );
    head(out, t + 1, "BookkeepingReport", "INFO");
    w!(
        out,
        "Bookkeeping record {}_{prefix}.xml prepared ({} output file)\n",
        app.name(),
        u64::from(!step.failed)
    );
    if app == App::Gauss && !step.failed {
        head(out, t + 1, "BookkeepingReport", "INFO");
        w!(
            out,
            "Generator statistics written to GeneratorLog.xml ({} events)\n",
            step.events_out
        );
    }
}

/// Writes the job wrapper's standard error: empty for most jobs.
pub(crate) fn write_std_err(job: &JobCtx, out: &mut Out) {
    let mut rng = job.rng_for(0, KIND_ERR);
    if let Some(step) = job.failed() {
        w!(
            out,
            "Error in <TBasket::Streamer>: The value of fNbytes is incorrect, file {}.{} may be truncated\n",
            step.prefix(job),
            step.app.output_type()
        );
        out.s("Traceback (most recent call last):\n");
        w!(
            out,
            "  File \"/cvmfs/lhcb.cern.ch/lib/lhcb/{0}/{0}_{1}/InstallArea/python/GaudiPython/Bindings.py\", line {2}, in run\n",
            step.app.project(),
            step.app.version(),
            rng.range(200, 900)
        );
        out.s("    sc = self._evtpro.executeRun(n)\n");
        w!(
            out,
            "RuntimeError: event loop failed at event {}\n",
            step.events_in
        );
    } else if job.stderr_noise {
        for _ in 0..rng.range(1, 6) {
            w!(
                out,
                "Warning in <TClass::Init>: no dictionary for class LHCb::{} is available\n",
                rng.pick(&[
                    "MCHit",
                    "MCParticle",
                    "MCVertex",
                    "RichDigit",
                    "PackedTrack",
                    "CaloDigit"
                ])
            );
        }
    }
}
