//! The facts of one grid job that all of its files must agree on.
//!
//! A job is drawn once from its own random stream (seed, production, job index), then each file
//! writer reads it and draws its own details from a stream of its own ([`JobCtx::rng_for`]): a
//! file's bytes therefore do not depend on which other files were generated before it, which is
//! what lets `synthetic_entry` build one file kind alone, cheaply.

use super::apps::{App, CPU_MODELS, SITES};
use super::rng::Rng;

/// Unix time of 2011-10-03 00:00:00 UTC, the era of the real productions the shapes come from.
const EPOCH: u64 = 1_317_600_000;

/// One application step that ran (or started and failed) in a job.
#[derive(Debug, Clone)]
pub(crate) struct StepCtx {
    /// The application.
    pub(crate) app: App,
    /// 1-based position in the workflow, the `_<step>` suffix of the file names.
    pub(crate) number: u32,
    /// Wall-clock start and end, Unix milliseconds.
    pub(crate) start_ms: u64,
    /// See `start_ms`.
    pub(crate) end_ms: u64,
    /// Events read or generated (up to the failing one for a failed step).
    pub(crate) events_in: u64,
    /// Events written to the output file.
    pub(crate) events_out: u64,
    /// Average CPU milliseconds per event.
    pub(crate) millis_per_event: u64,
    /// Peak memory, kB.
    pub(crate) memory_kb: u64,
    /// The step aborted: fatal error in the event loop, summary `success=False`.
    pub(crate) failed: bool,
    /// `Some(bytes)` for the one verbose step of a "large" job: its log is padded with per-event
    /// debug lines up to about this size.
    pub(crate) verbose_bytes: Option<usize>,
    /// GUID of the input file (empty for the generator step, which has none).
    pub(crate) input_guid: String,
    /// GUID of the output file.
    pub(crate) output_guid: String,
}

impl StepCtx {
    /// `<prod>_<job>_<step>`, the prefix of the step's data files.
    pub(crate) fn prefix(&self, job: &JobCtx) -> String {
        format!("{}_{}_{}", job.prod, job.job, self.number)
    }

    /// CPU time used by the step, milliseconds.
    pub(crate) fn cpu_ms(&self) -> u64 {
        self.events_in.saturating_mul(self.millis_per_event)
    }
}

/// Everything shared by the files of one job.
#[derive(Debug, Clone)]
pub(crate) struct JobCtx {
    /// Production (transformation) number.
    pub(crate) production: u32,
    /// Job number within the production, 1-based (`job_index + 1`).
    pub(crate) job_id: u64,
    /// The production as 8 digits, as in LHCb file names.
    pub(crate) prod: String,
    /// The job number as 8 digits.
    pub(crate) job: String,
    /// The DIRAC WMS job id (a global counter, unlike `job_id`).
    pub(crate) wms_id: u64,
    /// Grid site name.
    pub(crate) site: &'static str,
    /// Worker node host name.
    pub(crate) host: String,
    /// Worker node CPU model.
    pub(crate) cpu_model: &'static str,
    /// CPU power normalisation (HS06 per core), times 100.
    pub(crate) power_x100: u64,
    /// Job wrapper start, Unix seconds.
    pub(crate) start_s: u64,
    /// Job wrapper end, Unix seconds.
    pub(crate) end_s: u64,
    /// Events requested per step.
    pub(crate) events: u64,
    /// Simulated run number.
    pub(crate) run_number: u64,
    /// Number of the first generated event.
    pub(crate) first_event: u64,
    /// The workflow: every step the job was configured with.
    pub(crate) workflow: Vec<App>,
    /// The steps that ran: a prefix of `workflow`, ending at the failed one if any.
    pub(crate) steps: Vec<StepCtx>,
    /// 1-based number of the failed step.
    pub(crate) failed_step: Option<u32>,
    /// Harmless ROOT/Python warnings in `std.err` of a successful job.
    pub(crate) stderr_noise: bool,
    /// Seed of the per-file random streams.
    files_seed: u64,
}

/// How much variation a job may have: trees want rare failures and large logs, synthetic
/// entries want neither huge logs nor missing steps.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Variation {
    /// Failures are allowed (about 1 job in 16).
    pub(crate) failures: bool,
    /// This job has one verbose, 1-3 MB application log.
    pub(crate) large: bool,
}

impl JobCtx {
    /// Draws the job `job_index` of `production` with the given workflow.
    pub(crate) fn new(
        seed: u64,
        production: u32,
        job_index: u64,
        workflow: &[App],
        variation: Variation,
    ) -> JobCtx {
        let mut rng = Rng::from_parts(&[seed, u64::from(production), job_index, 0x10B]);
        let job_id = job_index.saturating_add(1);
        let (site, domain) = SITES[rng.below(SITES.len() as u64) as usize % SITES.len()];
        let host = match rng.below(3) {
            0 => format!("lxbatch{:04}.{domain}", rng.range(100, 3999)),
            1 => format!(
                "wn{:03}-{:02}.{domain}",
                rng.range(1, 420),
                rng.range(1, 16)
            ),
            _ => format!(
                "node-{:02}-{:03}.{domain}",
                rng.range(1, 40),
                rng.range(1, 96)
            ),
        };
        let cpu_model = rng.pick(&CPU_MODELS);
        let power_x100 = rng.range(850, 1_650);
        // Production numbers move the date by up to a year, jobs are submitted ~97 s apart:
        // both reduced so that any input stays a plausible date.
        let day = u64::from(production % 365) * 86_400;
        let start_s = EPOCH + day + (job_index % 3_000_000) * 97 + rng.below(600);
        let events = rng.range(150, 250);
        let run_number = 1_000_000 + u64::from(production % 10_000) * 100 + job_index % 100;
        let first_event = (job_index % 1_000_000) * 1_000 + 1;
        let large_step = if variation.large && !workflow.is_empty() {
            Some(rng.below(workflow.len() as u64) as usize)
        } else {
            None
        };
        let failed_index = if variation.failures && large_step.is_none() && rng.chance(1, 16) {
            Some(rng.below(workflow.len() as u64) as usize)
        } else {
            None
        };
        let stderr_noise = rng.chance(1, 10);

        let mut steps = Vec::with_capacity(workflow.len());
        // Input download and environment setup before the first application.
        let mut now_ms = (start_s + rng.range(40, 240)) * 1000;
        let mut input_guid = String::new();
        for (index, &app) in workflow.iter().enumerate() {
            let failed = failed_index == Some(index);
            let (lo, hi) = app.millis_per_event();
            let millis_per_event = rng.range(lo, hi);
            let events_in = if failed {
                rng.range(1, events - 1)
            } else {
                events
            };
            let events_out = match (failed, app) {
                (true, _) => events_in - 1,
                (false, App::DaVinci) => events * rng.range(5, 15) / 100,
                (false, _) => events,
            };
            let (mlo, mhi) = app.memory_kb();
            let memory_kb = rng.range(mlo, mhi);
            let verbose_bytes =
                (large_step == Some(index)).then(|| rng.range(1_000_000, 3_000_000) as usize);
            let mut output_guid = String::with_capacity(36);
            rng.guid(&mut output_guid);
            let start_ms = now_ms;
            // Initialisation and finalisation take a few seconds on top of the event loop.
            let end_ms =
                start_ms + rng.range(8_000, 40_000) + events_in.saturating_mul(millis_per_event);
            steps.push(StepCtx {
                app,
                number: index as u32 + 1,
                start_ms,
                end_ms,
                events_in,
                events_out,
                millis_per_event,
                memory_kb,
                failed,
                verbose_bytes,
                input_guid: std::mem::take(&mut input_guid),
                output_guid: output_guid.clone(),
            });
            input_guid = output_guid;
            now_ms = end_ms + rng.range(3_000, 20_000);
            if failed {
                break;
            }
        }
        // Output upload and bookkeeping after the last application.
        let end_s = now_ms / 1000 + rng.range(20, 300);
        JobCtx {
            production,
            job_id,
            prod: format!("{production:08}"),
            job: format!("{job_id:08}"),
            wms_id: 24_000_000 + (job_index % 100_000_000) * 3 + rng.below(3),
            site,
            host,
            cpu_model,
            power_x100,
            start_s,
            end_s,
            events,
            run_number,
            first_event,
            workflow: workflow.to_vec(),
            steps,
            failed_step: failed_index.map(|i| i as u32 + 1),
            stderr_noise,
            files_seed: rng.next_u64(),
        }
    }

    /// An independent random stream for one file (`step` 0 for the job-level files).
    pub(crate) fn rng_for(&self, step: u32, kind: u64) -> Rng {
        Rng::from_parts(&[self.files_seed, u64::from(step), kind])
    }

    /// The step that failed, if any.
    pub(crate) fn failed(&self) -> Option<&StepCtx> {
        self.steps.iter().find(|s| s.failed)
    }
}

/// The workflow of a production: simulation, digitisation, then reconstruction (Brunel) for
/// even production numbers or stripping (DaVinci) for odd ones, so both kinds are reachable.
pub(crate) fn workflow_of(production: u32) -> [App; 3] {
    let last = if production % 2 == 0 {
        App::Brunel
    } else {
        App::DaVinci
    };
    [App::Gauss, App::Boole, last]
}
