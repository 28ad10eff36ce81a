//! Behaviour of `zstdpool::trainer::train` on data generated here: trained dictionaries that
//! round-trip, the "too few samples" answers and fallbacks, dictionaries that do not help or
//! do not pay for themselves (frames + dictionary against no dictionary, for the volume
//! hinted), determinism and a configured dictionary size.

use jobtree::JobTreeSpec;
use zstdpool::config::TrainingConfig;
use zstdpool::libzstd::{self, CCtx, CDict, DCtx, DDict, FastCoverParams};
use zstdpool::trainer::{self, Training, TrainingOutcome};

/// Compression level used throughout (the pool's default).
const LEVEL: i32 = 3;

/// A category volume so large that any dictionary's own size is negligible: the trainer
/// then judges frames alone, as tests of what it can train need.
const LARGE_VOLUME: u64 = 1 << 40;

/// The default configuration for a category of [`LARGE_VOLUME`] bytes.
fn large() -> TrainingConfig {
    TrainingConfig {
        category_volume: LARGE_VOLUME,
        ..TrainingConfig::default()
    }
}

/// A small deterministic PRNG (SplitMix64), so test data needs no dependency and no seed
/// from the clock.
struct Rng(u64);

impl Rng {
    /// The next 64 random bits.
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One synthetic log of about `size` bytes: lines from a fixed set of templates with varying
/// timestamps, counters and hosts, like an application log of one kind.
fn log_entry(rng: &mut Rng, size: usize) -> Vec<u8> {
    const TEMPLATES: [&str; 8] = [
        "INFO  EventLoopMgr      Processing event {n} of run {r}",
        "DEBUG ToolSvc.Decoder   Decoded {n} hits in {m} clusters (station {s})",
        "INFO  ApplicationMgr    Application Manager Configured successfully on host node{s}.cern.ch",
        "WARN  DataOnDemandSvc   Missing data at /Event/Raw/Bank{s}, retrying in {m} ms",
        "INFO  TimingAuditor.T   Algorithm Reco{s} took {n} us (average {m} us over {r} calls)",
        "ERROR HltDecReports     Decision id {n} not found in configuration key 0x{r}",
        "INFO  CondDB            Loaded conditions tag sim-2024{m}-vc-md100 for run {r}",
        "DEBUG IOHelper          Opened file root://eoslhcb.cern.ch//lhcb/data/{r}/{n}.dst",
    ];
    let mut out = Vec::with_capacity(size + 200);
    let mut clock = 1_700_000_000 + rng.below(1_000_000);
    while out.len() < size {
        clock += rng.below(5);
        let template = TEMPLATES[rng.below(TEMPLATES.len() as u64) as usize];
        let line = template
            .replace("{n}", &rng.below(100_000).to_string())
            .replace("{m}", &rng.below(1000).to_string())
            .replace("{r}", &(200_000 + rng.below(500)).to_string())
            .replace("{s}", &rng.below(16).to_string());
        out.extend_from_slice(format!("{clock} {line}\n").as_bytes());
    }
    out.truncate(size);
    out
}

/// `count` synthetic logs of about `size` bytes each, from `seed`.
fn logs(seed: u64, count: usize, size: usize) -> Vec<Vec<u8>> {
    let mut rng = Rng(seed);
    (0..count).map(|_| log_entry(&mut rng, size)).collect()
}

/// Borrowed views of owned samples, as `train` takes them.
fn views(samples: &[Vec<u8>]) -> Vec<&[u8]> {
    samples.iter().map(Vec::as_slice).collect()
}

/// Compresses every sample with `dict` and decompresses it with the matching DDict: each must
/// come back unchanged. Returns the total compressed size.
fn round_trip(dict: &[u8], samples: &[&[u8]]) -> u64 {
    let cdict = CDict::new(dict, LEVEL).expect("trained dictionary loads as CDict");
    let ddict = DDict::new(dict).expect("trained dictionary loads as DDict");
    assert_eq!(cdict.id(), libzstd::dictionary_id(dict));
    assert_eq!(ddict.id(), cdict.id());
    let mut cctx = CCtx::new(LEVEL, true).expect("cctx");
    let mut dctx = DCtx::new().expect("dctx");
    let mut total = 0;
    for sample in samples {
        let frame = cctx
            .compress_to_vec(Some(&cdict), sample)
            .expect("compress with dictionary");
        total += frame.len() as u64;
        let mut reader: &[u8] = &frame;
        let mut back = Vec::new();
        dctx.decompress_stream(Some(&ddict), &mut reader, &mut back, u64::MAX)
            .expect("decompress with dictionary");
        assert_eq!(&back, sample);
    }
    total
}

/// Total compressed size of `samples` without a dictionary.
fn plain_size(samples: &[&[u8]]) -> u64 {
    let mut cctx = CCtx::new(LEVEL, true).expect("cctx");
    samples
        .iter()
        .map(|s| cctx.compress_to_vec(None, s).expect("compress").len() as u64)
        .sum()
}

/// Checks the invariants of a `Trained` result and returns its dictionary.
fn expect_trained(training: &Training) -> &[u8] {
    let TrainingOutcome::Trained { id, size } = training.outcome else {
        panic!("expected a trained dictionary, got {:?}", training.outcome);
    };
    let dict = training
        .dictionary
        .as_deref()
        .expect("Trained comes with a dictionary");
    assert_ne!(id, 0, "dictionary id must be nonzero");
    assert_eq!(id, libzstd::dictionary_id(dict));
    assert_eq!(size, dict.len());
    assert!(
        training.ratio_with > training.ratio_without && training.ratio_without > 0.0,
        "held-back ratios {} vs {}",
        training.ratio_with,
        training.ratio_without
    );
    dict
}

/// The generated job tree's files of the category whose name starts with `prefix`.
fn jobtree_category(jobs: usize, prefix: &str) -> Vec<Vec<u8>> {
    let spec = JobTreeSpec {
        jobs,
        ..JobTreeSpec::default()
    };
    jobtree::generate_tree(&spec)
        .filter(|f| f.category.starts_with(prefix))
        .map(|f| f.data)
        .collect()
}

#[test]
fn trains_on_generated_job_logs_and_round_trips() {
    let files = jobtree_category(24, "summaryGauss");
    assert!(
        files.len() >= 20,
        "the generator gives one Gauss summary per job"
    );
    let config = large();
    let samples: Vec<&[u8]> = files
        .iter()
        .map(|f| &f[..f.len().min(config.max_sample_size)])
        .collect();
    let training = trainer::train(&samples, &config, LEVEL);
    let dict = expect_trained(&training);
    assert_eq!(
        training.samples,
        samples.iter().filter(|s| !s.is_empty()).count()
    );
    assert_eq!(
        training.sample_bytes,
        samples.iter().map(|s| s.len() as u64).sum::<u64>()
    );
    let with = round_trip(dict, &samples);
    assert!(
        with < plain_size(&samples),
        "the dictionary must make these entries smaller"
    );
}

#[test]
fn trains_on_synthetic_logs_at_every_effort() {
    let owned = logs(1, 40, 6000);
    let samples = views(&owned);
    for effort in 0..=2 {
        let config = TrainingConfig { effort, ..large() };
        let training = trainer::train(&samples, &config, LEVEL);
        let dict = expect_trained(&training);
        round_trip(dict, &samples);
        // New entries of the same kind, never seen by the trainer, also get smaller.
        let fresh_owned = logs(99, 10, 6000);
        let fresh = views(&fresh_owned);
        assert!(
            round_trip(dict, &fresh) < plain_size(&fresh),
            "effort {effort}"
        );
    }
}

#[test]
fn no_samples_or_one_sample_is_too_few() {
    let config = TrainingConfig::default();
    let big = logs(2, 1, 100_000);
    let cases: Vec<Vec<&[u8]>> = vec![
        vec![],
        vec![b"tiny".as_slice()],
        vec![big[0].as_slice()],
        vec![b"".as_slice(); 100],
        vec![b"".as_slice(), b"x".as_slice(), b"".as_slice()],
        vec![b"short one".as_slice(), b"short two".as_slice()],
    ];
    for samples in cases {
        let training = trainer::train(&samples, &config, LEVEL);
        let non_empty: Vec<&&[u8]> = samples.iter().filter(|s| !s.is_empty()).collect();
        assert_eq!(
            training.outcome,
            TrainingOutcome::TooFewSamples {
                samples: non_empty.len(),
                bytes: non_empty.iter().map(|s| s.len() as u64).sum(),
            }
        );
        assert!(training.dictionary.is_none());
    }
}

#[test]
fn few_large_samples_still_train_by_cutting() {
    let owned = logs(3, 3, 60_000);
    let samples = views(&owned);
    // libzstd alone refuses three samples ("Src size is incorrect") ...
    let params = FastCoverParams {
        k: 1024,
        ..FastCoverParams::default()
    };
    assert!(libzstd::train_fast_cover(&samples, 16 * 1024, &params).is_err());
    // ... the trainer cuts them into pieces and gets a dictionary, at every effort.
    for effort in 0..=2 {
        let config = TrainingConfig { effort, ..large() };
        let training = trainer::train(&samples, &config, LEVEL);
        let dict = expect_trained(&training);
        assert_eq!(training.samples, 3);
        round_trip(dict, &samples);
    }
    // Two samples are enough too (one trains while the other judges, in turn).
    let training = trainer::train(&samples[..2], &large(), LEVEL);
    expect_trained(&training);
}

#[test]
fn incompressible_samples_get_no_dictionary() {
    let mut rng = Rng(4);
    let owned: Vec<Vec<u8>> = (0..60)
        .map(|_| (0..4096).map(|_| rng.next() as u8).collect())
        .collect();
    let samples = views(&owned);
    for (effort, base) in [(0, large()), (1, large()), (1, TrainingConfig::default())] {
        let config = TrainingConfig { effort, ..base };
        let training = trainer::train(&samples, &config, LEVEL);
        match training.outcome {
            TrainingOutcome::DidNotHelp {
                ratio_with,
                ratio_without,
            } => {
                assert!(
                    ratio_with <= ratio_without,
                    "{ratio_with} vs {ratio_without}"
                );
                assert!(ratio_without > 0.0 && ratio_without < 1.01);
                // Held back, the dictionary did not even make the frames smaller.
                assert!(training.ratio_with <= training.ratio_without);
                assert!((training.ratio_without - ratio_without).abs() < 1e-6);
            }
            other => panic!("expected DidNotHelp, got {other:?}"),
        }
        assert!(training.dictionary.is_none());
    }
}

#[test]
fn a_dictionary_must_pay_for_itself_over_the_category_volume() {
    // 6 KB of samples: a dictionary shrinks the frames, but not by its own size ...
    let owned = logs(1, 4, 1500);
    let samples = views(&owned);
    let alone = trainer::train(&samples, &TrainingConfig::default(), LEVEL);
    let TrainingOutcome::DidNotHelp {
        ratio_with,
        ratio_without,
    } = alone.outcome
    else {
        panic!("expected DidNotHelp, got {:?}", alone.outcome);
    };
    assert!(
        ratio_with < ratio_without,
        "{ratio_with} vs {ratio_without}"
    );
    assert!(alone.dictionary.is_none());
    assert!(
        alone.ratio_with > alone.ratio_without,
        "held back, the frames alone were smaller with it"
    );
    // ... while over a category a thousand times larger it pays many times over.
    let hinted = TrainingConfig {
        category_volume: 1000 * alone.sample_bytes,
        ..TrainingConfig::default()
    };
    expect_trained(&trainer::train(&samples, &hinted, LEVEL));
}

#[test]
fn a_larger_volume_never_gets_a_smaller_dictionary() {
    let files = jobtree_category(40, "summaryGauss");
    let samples = views(&files);
    let sizes: Vec<usize> = [0, 100, 10_000]
        .iter()
        .map(|&times| {
            let config = TrainingConfig {
                category_volume: times * samples.iter().map(|s| s.len() as u64).sum::<u64>(),
                ..TrainingConfig::default()
            };
            trainer::train(&samples, &config, LEVEL)
                .dictionary
                .map_or(0, |d| d.len())
        })
        .collect();
    assert!(sizes.windows(2).all(|w| w[0] <= w[1]), "{sizes:?}");
    assert!(sizes[2] > 0, "{sizes:?}");
}

#[test]
fn long_entries_count_once_per_sampled_prefix() {
    // The samples are the first bytes of 30 entries said to hold 100 times as much: the
    // dictionary reaches their starts only, so it is chosen as for the samples alone ...
    let owned = logs(12, 30, 4000);
    let samples = views(&owned);
    let alone = trainer::train(&samples, &TrainingConfig::default(), LEVEL);
    let bytes: u64 = samples.iter().map(|s| s.len() as u64).sum();
    let long = TrainingConfig {
        category_volume: 100 * bytes,
        category_entries: 30,
        ..TrainingConfig::default()
    };
    assert_eq!(
        trainer::train(&samples, &long, LEVEL).dictionary,
        alone.dictionary
    );
    // ... while 3,000 entries like the samples are a volume a larger dictionary pays over.
    let many = TrainingConfig {
        category_entries: 3000,
        ..long
    };
    let size = |t: &Training| t.dictionary.as_ref().map_or(0, Vec::len);
    assert!(size(&trainer::train(&samples, &many, LEVEL)) > size(&alone));
}

#[test]
fn frames_and_dictionary_never_outgrow_no_dictionary_on_generated_trees() {
    let spec = JobTreeSpec {
        jobs: 12,
        ..JobTreeSpec::default()
    };
    let mut by_category: std::collections::BTreeMap<String, Vec<Vec<u8>>> = Default::default();
    for file in jobtree::generate_tree(&spec) {
        by_category
            .entry(file.category)
            .or_default()
            .push(file.data);
    }
    let config = TrainingConfig::default();
    let (mut archive, mut plain) = (0u64, 0u64);
    for (category, files) in &by_category {
        let samples: Vec<&[u8]> = files
            .iter()
            .map(|f| &f[..f.len().min(config.max_sample_size)])
            .collect();
        let training = trainer::train(&samples, &config, LEVEL);
        let whole = views(files);
        let without = plain_size(&whole);
        let with = match &training.dictionary {
            Some(dict) => round_trip(dict, &whole) + dict.len() as u64,
            None => without,
        };
        assert!(
            with <= without,
            "{category}: {with} bytes with its dictionary, {without} without ({:?}, held back {} / {}, {} samples {} bytes)",
            training.outcome,
            training.ratio_with,
            training.ratio_without,
            training.samples,
            training.sample_bytes
        );
        archive += with;
        plain += without;
    }
    assert!(archive < plain, "{archive} vs {plain}");
}

#[test]
fn same_samples_give_the_same_dictionary() {
    let owned = logs(5, 30, 5000);
    let samples = views(&owned);
    for effort in 0..=1 {
        let config = TrainingConfig { effort, ..large() };
        let first = trainer::train(&samples, &config, LEVEL);
        let second = trainer::train(&samples, &config, LEVEL);
        expect_trained(&first);
        assert_eq!(first.dictionary, second.dictionary, "effort {effort}");
        assert_eq!(first.outcome, second.outcome);
        assert_eq!(first.ratio_with, second.ratio_with);
    }
}

#[test]
fn training_on_several_threads_gives_the_same_dictionary() {
    let owned = logs(11, 60, 5000);
    let samples = views(&owned);
    for (effort, base) in [(1, large()), (1, TrainingConfig::default()), (2, large())] {
        let config = TrainingConfig { effort, ..base };
        let one = trainer::train(&samples, &config, LEVEL);
        for threads in [2, 3] {
            let many = trainer::train_parallel(&samples, &config, LEVEL, threads);
            assert_eq!(
                one.dictionary, many.dictionary,
                "effort {effort}, {threads} threads"
            );
            assert_eq!(one.outcome, many.outcome);
            assert_eq!(one.ratio_with, many.ratio_with);
        }
    }
}

#[test]
fn configured_dictionary_size_is_honoured() {
    let owned = logs(6, 40, 8000);
    let samples = views(&owned);
    for (dict_size, effort) in [(4096, 1), (16 * 1024, 0), (16 * 1024, 2)] {
        let config = TrainingConfig {
            dict_size,
            effort,
            ..large()
        };
        let training = trainer::train(&samples, &config, LEVEL);
        let dict = expect_trained(&training);
        assert!(dict.len() <= dict_size, "{} > {dict_size}", dict.len());
        assert!(
            dict.len() >= dict_size / 2,
            "{} much smaller than {dict_size}",
            dict.len()
        );
    }
}

#[test]
fn configured_trainer_parameters_are_used() {
    let owned = logs(7, 30, 5000);
    let samples = views(&owned);
    let configs = [
        FastCoverParams {
            k: 256,
            d: 6,
            ..FastCoverParams::default()
        },
        FastCoverParams {
            k: 512,
            d: 8,
            exact_cover: true,
            ..FastCoverParams::default()
        },
        FastCoverParams {
            optimize: true,
            steps: 4,
            ..FastCoverParams::default()
        },
    ];
    for trainer_params in configs {
        let config = TrainingConfig {
            trainer: trainer_params,
            effort: 1,
            ..large()
        };
        let training = trainer::train(&samples, &config, LEVEL);
        let dict = expect_trained(&training);
        round_trip(dict, &samples);
    }
}

#[test]
fn at_most_max_samples_are_used() {
    let owned = logs(8, 50, 2000);
    let samples = views(&owned);
    let config = TrainingConfig {
        min_samples: 10,
        max_samples: 20,
        max_sample_size: 1000,
        ..large()
    };
    let training = trainer::train(&samples, &config, LEVEL);
    assert_eq!(training.samples, 20);
    assert_eq!(training.sample_bytes, 20 * 1000);
    expect_trained(&training);
}

#[test]
fn odd_sample_sets_never_panic_and_stay_consistent() {
    let repeated = logs(9, 1, 3000).remove(0);
    let owned_logs = logs(10, 12, 3000);
    let cases: Vec<(Vec<&[u8]>, TrainingConfig)> = vec![
        // Many samples shorter than a d-mer.
        (vec![b"abc".as_slice(); 2000], TrainingConfig::default()),
        // Just over the minimum volume, two samples.
        (
            vec![&repeated[..600], &repeated[600..1200]],
            TrainingConfig::default(),
        ),
        // Identical samples.
        (vec![repeated.as_slice(); 50], TrainingConfig::default()),
        // A dictionary far larger than the data.
        (
            views(&owned_logs),
            TrainingConfig {
                dict_size: 16 << 20,
                ..TrainingConfig::default()
            },
        ),
        // The smallest dictionary libzstd accepts.
        (
            views(&owned_logs),
            TrainingConfig {
                dict_size: 256,
                ..TrainingConfig::default()
            },
        ),
        // One huge sample among tiny ones.
        (
            vec![b"x".as_slice(), &repeated, b"y".as_slice()],
            TrainingConfig::default(),
        ),
    ];
    for (samples, config) in cases {
        for effort in 0..=2 {
            let config = TrainingConfig {
                effort,
                ..config.clone()
            };
            let training = trainer::train(&samples, &config, LEVEL);
            let trained = matches!(training.outcome, TrainingOutcome::Trained { .. });
            assert_eq!(
                trained,
                training.dictionary.is_some(),
                "{:?}",
                training.outcome
            );
            assert!(
                !matches!(training.outcome, TrainingOutcome::Failed { .. }),
                "{:?}",
                training.outcome
            );
            if let Some(dict) = &training.dictionary {
                assert!(config.dict_size == 0 || dict.len() <= config.dict_size);
                round_trip(dict, &samples);
            }
        }
    }
}
