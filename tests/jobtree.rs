//! Tests of the DIRAC-like job tree generator: determinism, layout, categories, sizes, and
//! agreement between the in-memory and the on-disk trees.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use jobtree::{
    GeneratedFile, JobTreeSpec, TreeSummary, category_of_name, generate_job, generate_tree,
    synthetic_entry, write_tree,
};

/// A small spec that still contains a large-log job (index 25) and failed jobs.
fn small_spec() -> JobTreeSpec {
    JobTreeSpec {
        jobs: 30,
        seed: 7,
        production: 12_345,
    }
}

/// The file-name part of a generated path.
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// A fresh, empty scratch directory under the target directory (no temp-dir crate).
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("jobtree-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Two generations of the same spec are byte-identical, file by file.
#[test]
fn same_spec_same_bytes() {
    let a: Vec<GeneratedFile> = generate_tree(&small_spec()).collect();
    let b: Vec<GeneratedFile> = generate_tree(&small_spec()).collect();
    assert_eq!(a.len(), b.len());
    assert!(a == b);
    // A job alone equals the same job inside the tree: jobs are independent.
    let job_7 = generate_job(&small_spec(), 7);
    let in_tree: Vec<&GeneratedFile> = a
        .iter()
        .filter(|f| f.path.starts_with("00012345/00000008/"))
        .collect();
    assert_eq!(job_7.iter().collect::<Vec<_>>(), in_tree);
}

/// A different seed changes the content (not the layout of a job that does not fail).
#[test]
fn different_seed_differs() {
    let spec = small_spec();
    let other = JobTreeSpec {
        seed: 8,
        ..small_spec()
    };
    let a: Vec<GeneratedFile> = generate_tree(&spec).collect();
    let b: Vec<GeneratedFile> = generate_tree(&other).collect();
    assert_ne!(a, b);
    let first_a = &generate_job(&spec, 0)[0];
    let first_b = &generate_job(&other, 0)[0];
    assert_eq!(first_a.path, first_b.path);
    assert_ne!(first_a.data, first_b.data);
    // The production changes names and content too.
    let prod = JobTreeSpec {
        production: 12_346,
        ..small_spec()
    };
    assert!(
        generate_job(&prod, 0)[0]
            .path
            .starts_with("00012346/00000001/")
    );
}

/// Pins the layout of one job: exact names, in order.
#[test]
fn layout_of_a_job() {
    let spec = small_spec();
    // Job index 25 is a large-log job, which never fails: all 10 files are there.
    let names: Vec<String> = generate_job(&spec, 25)
        .into_iter()
        .map(|f| f.path)
        .collect();
    let expected: Vec<String> = [
        "Gauss_00012345_00000026_1.log",
        "summaryGauss_00012345_00000026_1.xml",
        "Boole_00012345_00000026_2.log",
        "summaryBoole_00012345_00000026_2.xml",
        "DaVinci_00012345_00000026_3.log",
        "summaryDaVinci_00012345_00000026_3.xml",
        "jobDescription.xml",
        "prodConf_Gauss_00012345_00000026_1.py",
        "std.out",
        "std.err",
    ]
    .iter()
    .map(|name| format!("00012345/00000026/{name}"))
    .collect();
    assert_eq!(names, expected);
    // An even production reconstructs with Brunel instead of stripping with DaVinci.
    let even = JobTreeSpec {
        production: 2_000,
        ..small_spec()
    };
    let names: Vec<String> = generate_job(&even, 25)
        .into_iter()
        .map(|f| f.path)
        .collect();
    assert!(names.contains(&"00002000/00000026/Brunel_00002000_00000026_3.log".to_owned()));
}

/// Every job has exactly 4 + 2 x (steps that ran) files; a job stops at its failed step,
/// which its summary and std.out report; successful jobs have all 3 steps (10 files).
#[test]
fn exact_file_counts_per_job() {
    let spec = JobTreeSpec {
        jobs: 200,
        ..small_spec()
    };
    let mut counts = BTreeMap::new();
    for index in 0..spec.jobs {
        let files = generate_job(&spec, index);
        let logs: Vec<&GeneratedFile> = files.iter().filter(|f| f.path.ends_with(".log")).collect();
        let summaries = files
            .iter()
            .filter(|f| file_name(&f.path).starts_with("summary"))
            .count();
        assert_eq!(summaries, logs.len());
        assert_eq!(files.len(), 4 + 2 * logs.len(), "job {index}");
        let std_out = files
            .iter()
            .find(|f| f.path.ends_with("/std.out"))
            .map(|f| String::from_utf8_lossy(&f.data).into_owned())
            .unwrap_or_default();
        let failed_summary = files.iter().any(|f| {
            file_name(&f.path).starts_with("summary")
                && String::from_utf8_lossy(&f.data).contains("<success>False</success>")
        });
        if std_out.contains("finished with status Failed") {
            assert!(failed_summary, "job {index}");
            let std_err = files
                .iter()
                .find(|f| f.path.ends_with("/std.err"))
                .map_or(0, |f| f.data.len());
            assert!(
                std_err > 0,
                "job {index}: a failed job explains itself in std.err"
            );
        } else {
            assert!(std_out.contains("finished with status Done"), "job {index}");
            assert!(!failed_summary);
            assert_eq!(files.len(), 10, "job {index}");
        }
        *counts.entry(files.len()).or_insert(0usize) += 1;
    }
    // Failures exist but are rare.
    assert!(counts.get(&10).copied().unwrap_or(0) > 170, "{counts:?}");
    assert!(counts.keys().any(|&n| n < 10), "{counts:?}");
    assert!(counts.keys().all(|n| [6, 8, 10].contains(n)), "{counts:?}");
}

/// Categories are the folded file names, and the tree has the expected 10 of them.
#[test]
fn names_fold_to_expected_categories() {
    assert_eq!(
        category_of_name("Gauss_00012345_00000001_1.log"),
        "Gauss_#_#_#.log"
    );
    assert_eq!(category_of_name("std.err"), "std.err");
    let mut categories = BTreeSet::new();
    for file in generate_tree(&small_spec()) {
        assert_eq!(file.category, category_of_name(file_name(&file.path)));
        let parts: Vec<&str> = file.path.split('/').collect();
        assert_eq!(parts.len(), 3);
        assert!(parts[0].len() == 8 && parts[1].len() == 8);
        categories.insert(file.category);
    }
    let expected: BTreeSet<String> = [
        "Boole_#_#_#.log",
        "DaVinci_#_#_#.log",
        "Gauss_#_#_#.log",
        "jobDescription.xml",
        "prodConf_Gauss_#_#_#.py",
        "std.err",
        "std.out",
        "summaryBoole_#_#_#.xml",
        "summaryDaVinci_#_#_#.xml",
        "summaryGauss_#_#_#.xml",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(categories, expected);
}

/// Empty std.err files exist (most jobs), one 1-3 MB log per 50 jobs, other files below 100 KB.
#[test]
fn empty_and_large_files_exist() {
    let files: Vec<GeneratedFile> = generate_tree(&small_spec()).collect();
    let empty: Vec<&GeneratedFile> = files.iter().filter(|f| f.data.is_empty()).collect();
    assert!(empty.len() > 15, "most std.err are empty");
    assert!(empty.iter().all(|f| f.path.ends_with("/std.err")));
    let large: Vec<&GeneratedFile> = files.iter().filter(|f| f.data.len() > 200_000).collect();
    assert_eq!(large.len(), 1);
    assert!(large[0].path.starts_with("00012345/00000026/") && large[0].path.ends_with(".log"));
    assert!(
        (1_000_000..=3_200_000).contains(&large[0].data.len()),
        "{}",
        large[0].data.len()
    );
    assert!(files.iter().all(|f| f.data.is_ascii()));
}

/// The default tree is the documented demo input: 150 jobs, 10-30 MB, 3 large logs.
#[test]
fn default_tree_size() {
    let spec = JobTreeSpec::default();
    assert_eq!((spec.jobs, spec.seed, spec.production), (150, 1, 12_345));
    let mut summary = TreeSummary::default();
    let mut large = 0;
    for file in generate_tree(&spec) {
        large += usize::from(file.data.len() > 1_000_000);
        summary.record(&file);
    }
    assert!(
        (10_000_000..=30_000_000).contains(&summary.bytes),
        "{}",
        summary.bytes
    );
    assert!(
        (1_400..=1_500).contains(&summary.files),
        "{}",
        summary.files
    );
    assert_eq!(summary.categories.len(), 10);
    assert_eq!(large, 3);
}

/// Zero jobs is an empty tree, on disk too; extreme inputs do not panic.
#[test]
fn degenerate_specs() {
    let empty = JobTreeSpec {
        jobs: 0,
        ..JobTreeSpec::default()
    };
    assert_eq!(generate_tree(&empty).count(), 0);
    let dir = scratch("empty");
    let summary = write_tree(&empty, &dir).expect("write empty tree");
    assert_eq!(summary, TreeSummary::default());
    let _ = std::fs::remove_dir_all(&dir);
    let extreme = JobTreeSpec {
        jobs: 1,
        seed: u64::MAX,
        production: u32::MAX,
    };
    assert!(!generate_job(&extreme, usize::MAX).is_empty());
    assert!(!generate_job(&extreme, 0).is_empty());
}

/// `write_tree` writes exactly the files and bytes `generate_tree` gives, and its summary
/// adds them up.
#[test]
fn write_tree_matches_generate() {
    let spec = small_spec();
    let dir = scratch("write");
    let summary = write_tree(&spec, &dir).expect("write tree");
    let mut expected = TreeSummary::default();
    let mut paths = BTreeSet::new();
    for file in generate_tree(&spec) {
        let mut on_disk = dir.clone();
        on_disk.extend(file.path.split('/'));
        let data = std::fs::read(&on_disk).expect("generated file on disk");
        assert!(data == file.data, "{}", file.path);
        expected.record(&file);
        paths.insert(on_disk);
    }
    assert_eq!(summary, expected);
    // Nothing else was written.
    let mut found = BTreeSet::new();
    let mut stack = vec![dir.clone()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).expect("read dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.insert(path);
            }
        }
    }
    assert_eq!(found, paths);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Synthetic entries: exact size, category from the index, deterministic, sensible content.
#[test]
fn synthetic_entries() {
    for size in [0, 1, 100, 700, 4_096, 65_536, 300_000] {
        for index in 0..30u64 {
            let entry = synthetic_entry(3, index, 12, size);
            assert_eq!(entry.data.len(), size, "index {index} size {size}");
            assert_eq!(entry.category, format!("kind{:02}", index % 12));
            assert!(entry.data.is_ascii());
            assert!(entry.name.split('/').count() == 3, "{}", entry.name);
        }
    }
    assert_eq!(
        synthetic_entry(3, 5, 12, 2_000),
        synthetic_entry(3, 5, 12, 2_000)
    );
    assert_ne!(
        synthetic_entry(3, 5, 12, 2_000).data,
        synthetic_entry(4, 5, 12, 2_000).data
    );
    // Entries of one category share their beginning (same kind), others do not: category 0
    // imitates Gauss logs, category 4 Gauss XML summaries.
    let a = synthetic_entry(3, 0, 12, 2_000);
    let b = synthetic_entry(3, 12, 12, 2_000);
    let c = synthetic_entry(3, 4, 12, 2_000);
    assert_eq!(a.category, b.category);
    assert_eq!(a.data[..40], b.data[..40]);
    assert_ne!(a.data[..40], c.data[..40]);
    assert_ne!(a.name, b.name);
    // categories = 0 is one category; huge values do not panic.
    assert_eq!(synthetic_entry(1, 17, 0, 10).category, "kind00");
    assert_eq!(
        synthetic_entry(u64::MAX, u64::MAX, usize::MAX, 50)
            .data
            .len(),
        50
    );
    // Larger than any single kind: filled with further files of the same kind.
    let big = synthetic_entry(9, 9, 11, 5_000);
    assert!(big.name.contains("prodConf_"));
    assert!(
        String::from_utf8_lossy(&big.data)
            .matches("from ProdConf import ProdConf")
            .count()
            > 3
    );
}

/// FNV-1a 64 of a byte stream: a tiny stable fingerprint (no hashing crate, no `std` hasher,
/// whose algorithm is unspecified).
fn fnv1a(hash: &mut u64, bytes: &[u8]) {
    for &byte in bytes {
        *hash = (*hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
}

/// The bytes are pinned: same spec, same bytes on every platform, compiler and profile (the
/// value was measured on x86_64 in both debug and release). A change of the generator that
/// changes its output must update this value on purpose.
#[test]
fn output_is_pinned() {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for file in generate_tree(&small_spec()) {
        fnv1a(&mut hash, file.path.as_bytes());
        fnv1a(&mut hash, &[0]);
        fnv1a(&mut hash, &file.data);
    }
    for index in 0..100 {
        let entry = synthetic_entry(5, index, 13, 3_000);
        fnv1a(&mut hash, entry.name.as_bytes());
        fnv1a(&mut hash, &entry.data);
    }
    assert_eq!(
        hash, 0xdf63_5902_5402_a1a0,
        "generator output changed: {hash:#018x}"
    );
}

/// The log store: one DEFLATE ZIP per job in `LOG/<prod8>/<sub4>/`, the files inside one
/// folder named `<job8>` or `<prod8>_<job8>`, the tree's files plus `job.info`, byte for byte.
#[test]
fn log_store_zips_hold_the_jobs() {
    let spec = small_spec();
    let dir = scratch("log-store");
    let summary = jobtree::write_log_store(&spec, &dir).unwrap();
    assert_eq!(summary.zips, spec.jobs);
    let mut zip_bytes = 0;
    let mut files = 0;
    let mut forms = BTreeSet::new();
    for index in 0..spec.jobs {
        let job = jobtree::log_store_job(&spec, index);
        assert_eq!(job.number, index as u64 + 1);
        assert_eq!(
            job.zip_path,
            format!("LOG/00012345/0000/{:08}.zip", index + 1)
        );
        let tree_files = generate_job(&spec, index);
        assert_eq!(job.files.len(), tree_files.len() + 1);
        for (zipped, tree) in job.files.iter().zip(&tree_files) {
            assert_eq!(zipped.path, file_name(&tree.path));
            assert_eq!(zipped.data, tree.data);
        }
        let info = String::from_utf8(job.files.last().unwrap().data.clone()).unwrap();
        assert!(
            info.starts_with(&format!("/JobID = {}\n", job.dirac_id)),
            "{info}"
        );
        assert_eq!(
            job.success,
            !tree_files.iter().any(|f| {
                let failed = b"<success>False</success>";
                f.data.windows(failed.len()).any(|w| w == failed)
            })
        );
        forms.insert(job.folder.len());
        let bytes = std::fs::read(dir.join(&job.zip_path)).unwrap();
        assert_eq!(bytes, jobtree::job_zip(&job).unwrap());
        zip_bytes += bytes.len() as u64;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(zip.len(), job.files.len());
        for (i, file) in job.files.iter().enumerate() {
            let mut entry = zip.by_index(i).unwrap();
            assert_eq!(entry.name(), format!("{}/{}", job.folder, file.path));
            assert_eq!(entry.compression(), zip::CompressionMethod::Deflated);
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut data).unwrap();
            assert_eq!(data, file.data);
            files += 1;
        }
    }
    assert_eq!(forms, BTreeSet::from([8, 17]), "both folder forms occur");
    assert_eq!(summary.zip_bytes, zip_bytes);
    assert_eq!(summary.files.files, files);
    assert!(summary.files.categories.contains_key("job.info"));
    assert_eq!(
        jobtree::log_store_job(
            &JobTreeSpec {
                jobs: 1,
                seed: 7,
                production: 12_345
            },
            12_345
        )
        .zip_path,
        "LOG/00012345/0001/00012346.zip"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
