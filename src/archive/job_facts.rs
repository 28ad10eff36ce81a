//! What a job says about itself: its DIRAC id (`job.info`: `/JobID = N`) and whether it
//! succeeded (the step summaries: `<success>True</success>`).

/// The `job` row values a job's files give (None: the job does not say).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct JobFacts {
    pub(crate) dirac_id: Option<i64>,
    pub(crate) success: Option<bool>,
}

impl JobFacts {
    /// The facts of a job from its files, (name, content): the DIRAC id from `job.info`,
    /// success from every `summary*.xml` with a `<success>` element: all True gives true,
    /// any other value false, none NULL.
    #[cfg(test)]
    pub(crate) fn of<'a>(files: impl Iterator<Item = (&'a str, &'a [u8])>) -> JobFacts {
        files.fold(JobFacts::default(), |facts, (name, data)| {
            facts.merge(JobFacts::of_file(name, data))
        })
    }

    /// What one file says: `job.info` its DIRAC id, a summary XML its step's success.
    pub(crate) fn of_file(name: &str, data: &[u8]) -> JobFacts {
        if name == "job.info" {
            JobFacts {
                dirac_id: dirac_id(data),
                success: None,
            }
        } else if gives_success(name) {
            JobFacts {
                dirac_id: None,
                success: step_success(data),
            }
        } else {
            JobFacts::default()
        }
    }

    /// The facts of two sets of files: the first DIRAC id, success when both succeeded.
    pub(crate) fn merge(self, other: JobFacts) -> JobFacts {
        JobFacts {
            dirac_id: self.dirac_id.or(other.dirac_id),
            success: match (self.success, other.success) {
                (Some(a), Some(b)) => Some(a && b),
                (a, b) => a.or(b),
            },
        }
    }
}

/// True for the files whose content gives a job fact (see [`JobFacts::of_file`]).
pub(crate) fn gives_facts(name: &str) -> bool {
    name == "job.info" || gives_success(name)
}

fn gives_success(name: &str) -> bool {
    name.starts_with("summary") && name.ends_with(".xml")
}

/// The number in the `/JobID = N` line of a `job.info`.
fn dirac_id(info: &[u8]) -> Option<i64> {
    let text = String::from_utf8_lossy(info);
    text.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        (key.trim() == "/JobID").then(|| value.trim().parse().ok())?
    })
}

/// The value of the first `<success>` element of a summary XML: True is true, anything
/// else false.
fn step_success(xml: &[u8]) -> Option<bool> {
    const OPEN: &[u8] = b"<success>";
    let start = xml.windows(OPEN.len()).position(|w| w == OPEN)? + OPEN.len();
    let rest = &xml[start..];
    let end = rest.iter().position(|&b| b == b'<')?;
    Some(rest[..end].trim_ascii() == b"True")
}

#[cfg(test)]
mod tests {
    use super::JobFacts;

    #[test]
    fn facts_from_job_info_and_summaries() {
        let ok = b"<summary>\n\t<success>True</success>\n</summary>".as_slice();
        let bad = b"<summary><success>False</success></summary>".as_slice();
        let info = b"/JobName = x\n/JobID = 24000123\n".as_slice();
        let facts = |files: &[(&str, &[u8])]| JobFacts::of(files.iter().copied());
        assert_eq!(
            facts(&[("job.info", info), ("summaryGauss_1.xml", ok)]),
            JobFacts {
                dirac_id: Some(24_000_123),
                success: Some(true)
            }
        );
        assert_eq!(
            facts(&[("summaryA.xml", ok), ("summaryB.xml", bad)]).success,
            Some(false)
        );
        assert_eq!(
            facts(&[("summaryA.xml", b"<summary/>"), ("std.out", ok)]),
            JobFacts::default()
        );
        assert_eq!(facts(&[("job.info", b"/JobID = soon")]).dirac_id, None);
    }
}
