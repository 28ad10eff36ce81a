//! Names in a job input: the job number a ZIP, folder or file name gives, and which file
//! names are safe to store (and so to extract again).

use crate::error::{Error, ErrorKind};

/// True for a non-empty run of ASCII digits.
fn is_number(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// True for exactly 8 ASCII digits, the width of LHCb's production and job numbers.
fn is_eight_digits(text: &str) -> bool {
    text.len() == 8 && is_number(text)
}

/// The job number an input's own name gives: `00000088` (a folder, or `00000088.zip` without
/// its extension) and `00285595_00000088` both give 88. Anything else gives none.
pub(crate) fn job_number_of_input(stem: &str) -> Option<i64> {
    let job = match stem.split_once('_') {
        Some((production, job)) if is_number(production) && is_number(job) => job,
        None if is_number(stem) => stem,
        _ => return None,
    };
    job.parse().ok()
}

/// True when `name` looks like a job folder of the log store: 8 digits, or
/// `<8 digits>_<8 digits>` (used to tell an empty job folder from an empty folder).
pub(crate) fn is_job_folder_name(name: &str) -> bool {
    match name.split_once('_') {
        Some((production, job)) => is_eight_digits(production) && is_eight_digits(job),
        None => is_eight_digits(name),
    }
}

/// The job number in LHCb file names, `<App>_<prod8>_<job8>_<step>.log`: the second of two
/// 8-digit fields between underscores. None when the name has no such part.
pub(crate) fn job_number_of_file(name: &str) -> Option<i64> {
    let fields: Vec<&str> = name.split('_').collect();
    fields
        .windows(4)
        .find(|w| is_eight_digits(w[1]) && is_eight_digits(w[2]))
        .and_then(|w| w[2].parse().ok())
}

/// The job number the file names agree on; `NoJobNumber` when none has one or they
/// disagree. `input` names the job input in the message.
pub(crate) fn job_number_of_files<'a>(
    input: &str,
    names: impl Iterator<Item = &'a str>,
) -> Result<i64, Error> {
    let mut found: Option<(i64, &str)> = None;
    for name in names {
        let Some(number) = job_number_of_file(name) else {
            continue;
        };
        match found {
            None => found = Some((number, name)),
            Some((first, first_name)) if first != number => {
                return Err(Error::new(
                    ErrorKind::NoJobNumber,
                    format!(
                        "{input}: no job number: its file names disagree ({first_name} is job \
                         {first}, {name} is job {number})"
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    found.map(|(number, _)| number).ok_or_else(|| {
        Error::new(
            ErrorKind::NoJobNumber,
            format!(
                "{input}: no job number in its name nor in its file names \
                 (`_<prod8>_<job8>_`)"
            ),
        )
    })
}

/// Checks that `name` is one plain file name: not empty, no NUL, no `/` or `\`, not `.`
/// or `..` (so that extracting it can never write outside its job folder).
pub(crate) fn check_file_name(input: &str, name: &str) -> Result<(), Error> {
    let why = if name.is_empty() {
        Some("an empty file name")
    } else if name.contains('\0') {
        Some("a NUL byte in the file name")
    } else if name.split(['/', '\\']).any(|part| part == "..") {
        Some("`..` in the file name")
    } else if name.contains(['/', '\\']) {
        Some("a `/` below the job folder")
    } else if name == "." {
        Some("the file name `.`")
    } else {
        None
    };
    match why {
        None => Ok(()),
        Some(why) => Err(Error::new(
            ErrorKind::UnsafeName,
            format!("{input}: {}: {why}", name.escape_debug()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_numbers_from_inputs_and_files() {
        assert_eq!(job_number_of_input("00000088"), Some(88));
        assert_eq!(job_number_of_input("00285595_00000088"), Some(88));
        assert_eq!(job_number_of_input("job88"), None);
        assert_eq!(job_number_of_input("1_2_3"), None);
        assert_eq!(job_number_of_input(""), None);
        assert_eq!(
            job_number_of_file("DaVinci_00285595_00000088_1.log"),
            Some(88)
        );
        assert_eq!(
            job_number_of_file("summaryGauss_00285595_00000042_1.xml"),
            Some(42)
        );
        assert_eq!(
            job_number_of_file("prodConf_Gauss_00285595_00000042_1.py"),
            Some(42)
        );
        assert_eq!(job_number_of_file("std.out"), None);
        assert_eq!(job_number_of_file("a_0028559_00000088_1"), None);
        assert!(is_job_folder_name("00000088") && is_job_folder_name("00285595_00000088"));
        assert!(!is_job_folder_name("0000") && !is_job_folder_name("LOG"));
    }

    #[test]
    fn file_names_that_are_refused() {
        for name in ["", "a\0b", "..", "../x", "a/../b", "a/b", "a\\b", "."] {
            let error = check_file_name("job", name).unwrap_err();
            assert_eq!(error.kind, ErrorKind::UnsafeName, "{name:?}");
        }
        for name in ["std.out", "..hidden", "a..b", ".x"] {
            assert_eq!(check_file_name("job", name), Ok(()), "{name:?}");
        }
        assert_eq!(
            check_file_name("j.zip", "../x").unwrap_err().message,
            "j.zip: ../x: `..` in the file name"
        );
    }
}
