//! Extracting an archive: every job back as a folder of its files, byte for byte, never
//! writing outside the target folder whatever names the database holds.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

use super::names::check_file_name;
use super::sql::query_all;
use super::store::Archive;
use super::verify::Problem;
use crate::error::{Error, ErrorKind};

/// What `extract` wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExtractReport {
    /// Job folders written.
    pub jobs: u64,
    /// Files written and their bytes.
    pub files: u64,
    pub bytes: u64,
    /// Files not written (unsafe name, damaged frame, write error), each with its error.
    pub problems: Vec<Problem>,
}

impl Archive {
    /// Writes every job of the archive as `dir/<job8>/<name>` (`dir` created if needed,
    /// existing files of the same names replaced). A name that is not one plain file name
    /// (`..`, `/`, NUL, empty: a database from elsewhere may hold anything) is never
    /// written and is reported, as is any file that fails to decode (the partial file is
    /// removed). `Err` when the archive cannot be read or `dir` cannot be created.
    pub fn extract(&self, dir: &Path) -> Result<ExtractReport, Error> {
        let cannot = |what: &Path, e: std::io::Error| {
            Error::new(ErrorKind::Write, format!("{}: {e}", what.display()))
        };
        fs::create_dir_all(dir).map_err(|e| cannot(dir, e))?;
        let keys: Vec<(i64, String)> = query_all(
            &self.conn(),
            "SELECT job, name FROM data ORDER BY job, name",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(self.sql("listing the files"))?;
        let mut report = ExtractReport::default();
        let mut made_job = None;
        for (job, name) in keys {
            let problem = |error: Error| Problem {
                job: Some(job),
                name: Some(name.clone()),
                error,
            };
            let what = format!("{}: job {job}", self.label);
            if let Err(error) = check_file_name(&what, &name) {
                report.problems.push(problem(error));
                continue;
            }
            let folder = dir.join(format!("{job:08}"));
            if made_job != Some(job) {
                if let Err(e) = fs::create_dir_all(&folder) {
                    report.problems.push(problem(cannot(&folder, e)));
                    continue;
                }
                made_job = Some(job);
                report.jobs += 1;
            }
            let target = folder.join(&name);
            match self.extract_one(job, &name, &target) {
                Ok(size) => {
                    report.files += 1;
                    report.bytes += size;
                }
                Err(error) => {
                    let _ = fs::remove_file(&target);
                    report.problems.push(problem(error));
                }
            }
        }
        Ok(report)
    }

    /// Decompresses one file into `target`.
    fn extract_one(&self, job: i64, name: &str, target: &Path) -> Result<u64, Error> {
        let failed =
            |e: std::io::Error| Error::new(ErrorKind::Write, format!("{}: {e}", target.display()));
        let mut out = BufWriter::new(fs::File::create(target).map_err(failed)?);
        let size = self.read_to(job, name, &mut out)?;
        out.flush().map_err(failed)?;
        Ok(size)
    }
}
