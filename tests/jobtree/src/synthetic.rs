//! Single synthetic entries of an exact size, for benchmarks that need millions of them.
//!
//! A category is mapped to one file kind of one application (11 variants, cycled), and an entry
//! is the beginning of such a file drawn for its own small job: the writers stop as soon as the
//! requested size is reached, so the cost is proportional to `size`, not to a whole job.

use super::apps::{ALL_APPS, App};
use super::job::{JobCtx, Variation, workflow_of};
use super::out::Out;
use super::{gaudi_log, job_description, prod_conf, std_out, summary_xml};

/// One synthetic entry: a name, its category and exactly the requested number of bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntheticEntry {
    /// A tree-like path, `<prod>/<job>/<file>`, unique per (seed, categories, index) for up
    /// to 11 million categories.
    pub name: String,
    /// `kind00`, `kind01`, ...: `index % categories`, two digits at least.
    pub category: String,
    /// The content: log-template text, exactly `size` bytes.
    pub data: Vec<u8>,
}

/// The file kinds an entry can imitate; `category % VARIANTS` picks one.
#[derive(Debug, Clone, Copy)]
enum Variant {
    /// A Gaudi application log.
    Log(App),
    /// An XML summary.
    Summary(App),
    /// A DIRAC workflow description.
    JobDescription,
    /// A ProdConf options file.
    ProdConf(App),
    /// A job wrapper standard output.
    StdOut,
}

/// Number of distinct variants.
const VARIANTS: u64 = 11;

/// The variant of category number `category`.
fn variant(category: u64) -> Variant {
    let app = |i: u64| ALL_APPS[(i % ALL_APPS.len() as u64) as usize];
    match category % VARIANTS {
        v @ 0..=3 => Variant::Log(app(v)),
        v @ 4..=7 => Variant::Summary(app(v)),
        8 => Variant::JobDescription,
        9 => Variant::ProdConf(app(category / VARIANTS)),
        _ => Variant::StdOut,
    }
}

/// The production number used for category number `category`: categories sharing a variant
/// get different productions, hence different names and ids.
fn production_of(category: u64) -> u32 {
    12_345 + (category / VARIANTS % 1_000_000) as u32
}

/// Appends one file of `variant` for job `job_index` to `out` and returns its file name.
fn write_variant(
    variant: Variant,
    seed: u64,
    production: u32,
    job_index: u64,
    out: &mut Out,
) -> (String, String) {
    let variation = Variation {
        failures: true,
        large: false,
    };
    let single = |app: App| JobCtx::new(seed, production, job_index, &[app], variation);
    match variant {
        Variant::Log(app) => {
            let job = single(app);
            let name = step_name(&job, |step| format!("{}_{}.log", app.name(), step));
            if let Some(step) = job.steps.first() {
                gaudi_log::write(&job, step, out);
            }
            (job_dir(&job), name)
        }
        Variant::Summary(app) => {
            let job = single(app);
            let name = step_name(&job, |step| format!("summary{}_{}.xml", app.name(), step));
            if let Some(step) = job.steps.first() {
                summary_xml::write(&job, step, out);
            }
            (job_dir(&job), name)
        }
        Variant::ProdConf(app) => {
            let job = single(app);
            let name = step_name(&job, |step| format!("prodConf_{}_{}.py", app.name(), step));
            if let Some(step) = job.steps.first() {
                prod_conf::write(&job, step, out);
            }
            (job_dir(&job), name)
        }
        Variant::JobDescription => {
            let job = JobCtx::new(
                seed,
                production,
                job_index,
                &workflow_of(production),
                variation,
            );
            job_description::write(&job, out);
            (job_dir(&job), "jobDescription.xml".to_owned())
        }
        Variant::StdOut => {
            let job = JobCtx::new(
                seed,
                production,
                job_index,
                &workflow_of(production),
                variation,
            );
            std_out::write_std_out(&job, out);
            (job_dir(&job), "std.out".to_owned())
        }
    }
}

/// `<prod>/<job>` of a job.
fn job_dir(job: &JobCtx) -> String {
    format!("{}/{}", job.prod, job.job)
}

/// The name of a step file of a one-step job, from its `<prod>_<job>_1` prefix.
fn step_name(job: &JobCtx, name: impl Fn(&str) -> String) -> String {
    name(&format!("{}_{}_1", job.prod, job.job))
}

/// See [`super::synthetic_entry`].
pub(crate) fn synthetic_entry(
    seed: u64,
    index: u64,
    categories: usize,
    size: usize,
) -> SyntheticEntry {
    let categories = (categories.max(1)) as u64;
    let category = index % categories;
    let job_index = index / categories;
    let variant = variant(category);
    let production = production_of(category);
    let mut out = Out::with_limit(size);
    let mut first_name = None;
    // A kind shorter than `size` (a ProdConf file is ~600 bytes) is followed by further files
    // of the same kind, each drawn for another round seed so the entry does not repeat itself.
    let mut round = 0u64;
    while size > 0 && !out.full() {
        let before = out.len();
        let round_seed = if round == 0 {
            seed
        } else {
            seed ^ super::rng::mix64(round)
        };
        let names = write_variant(variant, round_seed, production, job_index, &mut out);
        first_name.get_or_insert(names);
        round += 1;
        if out.len() == before {
            break;
        }
    }
    let (dir, file) = first_name.unwrap_or_else(|| {
        // Nothing written (size 0): the name still follows the same rule.
        let job = format!("{:08}", job_index.saturating_add(1));
        let file = match variant {
            Variant::Log(app) => format!("{}_{production:08}_{job}_1.log", app.name()),
            Variant::Summary(app) => format!("summary{}_{production:08}_{job}_1.xml", app.name()),
            Variant::ProdConf(app) => format!("prodConf_{}_{production:08}_{job}_1.py", app.name()),
            Variant::JobDescription => "jobDescription.xml".to_owned(),
            Variant::StdOut => "std.out".to_owned(),
        };
        (format!("{production:08}/{job}"), file)
    });
    let mut data = out.into_bytes();
    data.truncate(size);
    // Unreachable with the current writers (each round writes something), kept so that the
    // size is exact whatever a future writer does.
    data.resize(size, b'\n');
    SyntheticEntry {
        name: format!("{dir}/{file}"),
        category: format!("kind{category:02}"),
        data,
    }
}
