//! The configuration handle: every field of `Config` as a numbered option, set and read one
//! at a time (zstd's `ZSTD_CCtx_setParameter` style), each value range-checked at once.

use super::args::{self, Out};
use super::error::{self, zstdpool_status};
use super::panic;
use crate::config::{Config, ConfigError};
use crate::error::{Error, ErrorKind};

/// A pool configuration (opaque). Create it with zstdpool_config_new(), change it with
/// zstdpool_config_set(), pass it to zstdpool_compressor_new() or
/// zstdpool_decompressor_new() (which copy it), free it with zstdpool_config_free().
///
/// Thread-safety: a configuration may be read (zstdpool_config_get(), pool creation) from
/// several threads at once, but must not be changed or freed while another thread uses it.
pub struct zstdpool_config {
    config: Config,
}

impl zstdpool_config {
    /// The configuration a pool is created with.
    pub(crate) fn config(&self) -> &Config {
        &self.config
    }
}

/// Identifies one configuration field in zstdpool_config_set() and zstdpool_config_get().
/// Values are stable across versions; unknown values are refused with
/// ZSTDPOOL_ERR_INVALID_ARGUMENT.
pub type zstdpool_option = i32;

/// zstd compression level, from libzstd's negative fast levels to its maximum (22).
/// Default 3.
pub const ZSTDPOOL_OPT_LEVEL: i32 = 1;
/// 1: write a content checksum into every frame (checked on decompression); 0: don't.
/// Default 1 (without it, a damaged frame can decode silently to wrong bytes).
pub const ZSTDPOOL_OPT_CHECKSUM: i32 = 2;
/// Worker threads, 1..1024. Default: the number of CPUs.
pub const ZSTDPOOL_OPT_WORKERS: i32 = 3;
/// zstd contexts: positive = a fixed number, at least the number of workers (checked when
/// the pool is created); negative = variable, max(workers, (loaded dictionaries + 1) x
/// -value), with 1 <= -value <= workers; 0 = as many as workers. Range -1024..65536.
/// Default 0.
pub const ZSTDPOOL_OPT_PROCESSORS: i32 = 4;
/// Most entries held at once (queued, waiting for a dictionary, or being processed):
/// zstdpool_pool_add() blocks beyond it. Range 1..16777216. Default 4096.
pub const ZSTDPOOL_OPT_QUEUE_CAPACITY: i32 = 5;
/// Largest decompressed size of one entry in bytes: more is a rejection
/// (ZSTDPOOL_ERR_TOO_LARGE). At least 1. Default 4 GiB.
pub const ZSTDPOOL_OPT_MAX_DECOMPRESSED_SIZE: i32 = 6;
/// 1: train dictionaries for categories that have none; 0: use existing dictionaries only,
/// compress other categories without one. Default 1.
pub const ZSTDPOOL_OPT_TRAINING_ENABLED: i32 = 100;
/// Dictionary size in bytes, 256..16777216; 0 sizes it from the training volume. Default 0.
pub const ZSTDPOOL_OPT_TRAINING_DICT_SIZE: i32 = 101;
/// Training starts once a category has at least this many entries waiting (and
/// ZSTDPOOL_OPT_TRAINING_MIN_BYTES bytes). Range 1..1048576, at most
/// ZSTDPOOL_OPT_TRAINING_MAX_SAMPLES (checked when the pool is created). Default 64.
pub const ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES: i32 = 102;
/// Training starts once a category's waiting entries declare at least this many bytes.
/// Range 0..2^40. Default 262144.
pub const ZSTDPOOL_OPT_TRAINING_MIN_BYTES: i32 = 103;
/// At most this many entries are sampled; training starts when that many wait. Range
/// 2..1048576, at least ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES (checked when the pool is
/// created). Default 2000.
pub const ZSTDPOOL_OPT_TRAINING_MAX_SAMPLES: i32 = 104;
/// Each sample is the first this-many bytes of its entry. Range 64..16777216. Default 131072.
pub const ZSTDPOOL_OPT_TRAINING_MAX_SAMPLE_SIZE: i32 = 105;
/// Effort spent finding how to cut samples and how large to make the dictionary: 0 trains
/// once, 1 runs a small search, 2 a wider one. Default 1.
pub const ZSTDPOOL_OPT_TRAINING_EFFORT: i32 = 106;
/// Largest dictionary the automatic sizing makes, in bytes (each loaded dictionary costs
/// about twice its size in memory). Range 256..16777216. Default 1048576.
pub const ZSTDPOOL_OPT_TRAINING_MAX_DICT_SIZE: i32 = 107;
/// At most this many sample bytes are trained on per category; training also starts once
/// that many bytes (by declared sizes) wait. Range 1024..2^40. Default 33554432.
pub const ZSTDPOOL_OPT_TRAINING_MAX_BYTES: i32 = 108;
/// Expected raw bytes of each category (all its entries), so that the trainer makes the
/// dictionary, or none, that keeps frames + dictionary smallest. Range 0..2^50; 0: the
/// sampled bytes (a conservative default). Default 0.
pub const ZSTDPOOL_OPT_TRAINING_CATEGORY_VOLUME: i32 = 109;
/// Expected number of entries of each category, with ZSTDPOOL_OPT_TRAINING_CATEGORY_VOLUME:
/// the savings measured on samples (entries' first bytes) then count once per entry prefix,
/// not for every byte of long entries. Range 0..2^40; 0: unknown. Default 0.
pub const ZSTDPOOL_OPT_TRAINING_CATEGORY_ENTRIES: i32 = 110;
/// Trainer segment size k in bytes, 16..2048; 0: libzstd's default (or searched with
/// ZSTDPOOL_OPT_TRAINER_OPTIMIZE). Default 0.
pub const ZSTDPOOL_OPT_TRAINER_K: i32 = 200;
/// Trainer d-mer size d: 6 or 8 for fastCover, 6..16 for the exact COVER trainer (checked
/// when the pool is created); 0: libzstd's default. Default 8.
pub const ZSTDPOOL_OPT_TRAINER_D: i32 = 201;
/// log2 of the fastCover frequency table size, 1..31; 0: libzstd's default. Default 0.
pub const ZSTDPOOL_OPT_TRAINER_F: i32 = 202;
/// fastCover acceleration, 1..10 (higher is faster and less precise). Default 1.
pub const ZSTDPOOL_OPT_TRAINER_ACCEL: i32 = 203;
/// Number of (k, d) candidates tried by the parameter search, 0..1024; 0: libzstd's
/// default. Default 0.
pub const ZSTDPOOL_OPT_TRAINER_STEPS: i32 = 204;
/// Threads used by the trainer's parameter search, 1..1024. Default 1.
pub const ZSTDPOOL_OPT_TRAINER_THREADS: i32 = 205;
/// Share of the samples trained on during the parameter search, in per-mille (0..1000; the
/// rest judges the candidates); 0: libzstd's default. Default 0.
pub const ZSTDPOOL_OPT_TRAINER_SPLIT_POINT: i32 = 206;
/// Compression level the dictionary's entropy tables are tuned for (same range as
/// ZSTDPOOL_OPT_LEVEL). Default 3.
pub const ZSTDPOOL_OPT_TRAINER_LEVEL: i32 = 207;
/// 1: use the slower exact COVER trainer instead of fastCover. Default 0.
pub const ZSTDPOOL_OPT_TRAINER_EXACT_COVER: i32 = 208;
/// 1: search k and d (libzstd's optimize trainers) instead of training once. Default 0.
pub const ZSTDPOOL_OPT_TRAINER_OPTIMIZE: i32 = 209;

/// The field behind an option, as `Config::validate` names it in its messages.
fn field_name(option: zstdpool_option) -> Option<&'static str> {
    Some(match option {
        ZSTDPOOL_OPT_LEVEL => "level",
        ZSTDPOOL_OPT_CHECKSUM => "checksum",
        ZSTDPOOL_OPT_WORKERS => "workers",
        ZSTDPOOL_OPT_PROCESSORS => "processors",
        ZSTDPOOL_OPT_QUEUE_CAPACITY => "queue_capacity",
        ZSTDPOOL_OPT_MAX_DECOMPRESSED_SIZE => "max_decompressed_size",
        ZSTDPOOL_OPT_TRAINING_ENABLED => "training.enabled",
        ZSTDPOOL_OPT_TRAINING_DICT_SIZE => "training.dict_size",
        ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES => "training.min_samples",
        ZSTDPOOL_OPT_TRAINING_MIN_BYTES => "training.min_bytes",
        ZSTDPOOL_OPT_TRAINING_MAX_SAMPLES => "training.max_samples",
        ZSTDPOOL_OPT_TRAINING_MAX_SAMPLE_SIZE => "training.max_sample_size",
        ZSTDPOOL_OPT_TRAINING_EFFORT => "training.effort",
        ZSTDPOOL_OPT_TRAINING_MAX_DICT_SIZE => "training.max_dict_size",
        ZSTDPOOL_OPT_TRAINING_MAX_BYTES => "training.max_bytes",
        ZSTDPOOL_OPT_TRAINING_CATEGORY_VOLUME => "training.category_volume",
        ZSTDPOOL_OPT_TRAINING_CATEGORY_ENTRIES => "training.category_entries",
        ZSTDPOOL_OPT_TRAINER_K => "training.trainer.k",
        ZSTDPOOL_OPT_TRAINER_D => "training.trainer.d",
        ZSTDPOOL_OPT_TRAINER_F => "training.trainer.f",
        ZSTDPOOL_OPT_TRAINER_ACCEL => "training.trainer.accel",
        ZSTDPOOL_OPT_TRAINER_STEPS => "training.trainer.steps",
        ZSTDPOOL_OPT_TRAINER_THREADS => "training.trainer.threads",
        ZSTDPOOL_OPT_TRAINER_SPLIT_POINT => "training.trainer.split_point",
        ZSTDPOOL_OPT_TRAINER_LEVEL => "training.trainer.level",
        ZSTDPOOL_OPT_TRAINER_EXACT_COVER => "training.trainer.exact_cover",
        ZSTDPOOL_OPT_TRAINER_OPTIMIZE => "training.trainer.optimize",
        _ => return None,
    })
}

fn unknown(option: zstdpool_option) -> Error {
    Error::new(
        ErrorKind::InvalidArgument,
        format!("unknown option {option}"),
    )
}

fn invalid(field: &str, message: String) -> Error {
    Error::new(
        ErrorKind::InvalidConfig,
        format!("invalid {field}: {message}"),
    )
}

/// Converts `value` to the field's integer type; out of the type's range is an error that
/// names the field (the field's own range is checked afterwards).
fn convert<T: TryFrom<i64>>(field: &str, value: i64) -> Result<T, Error> {
    T::try_from(value).map_err(|_| {
        let why = if value < 0 {
            "is negative"
        } else {
            "is too large"
        };
        invalid(field, format!("{value} {why}"))
    })
}

/// A 0/1 flag.
fn flag(field: &str, value: i64) -> Result<bool, Error> {
    match value {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(invalid(
            field,
            format!("{value} is outside the allowed range 0..=1"),
        )),
    }
}

/// Sets the field of `option` in `config` to `value`, converted to its type (no range check).
fn assign(config: &mut Config, option: zstdpool_option, value: i64) -> Result<(), Error> {
    let field = field_name(option).ok_or_else(|| unknown(option))?;
    let training = &mut config.training;
    let trainer = &mut training.trainer;
    match option {
        ZSTDPOOL_OPT_LEVEL => config.level = convert(field, value)?,
        ZSTDPOOL_OPT_CHECKSUM => config.checksum = flag(field, value)?,
        ZSTDPOOL_OPT_WORKERS => config.workers = convert(field, value)?,
        ZSTDPOOL_OPT_PROCESSORS => config.processors = convert(field, value)?,
        ZSTDPOOL_OPT_QUEUE_CAPACITY => config.queue_capacity = convert(field, value)?,
        ZSTDPOOL_OPT_MAX_DECOMPRESSED_SIZE => config.max_decompressed_size = convert(field, value)?,
        ZSTDPOOL_OPT_TRAINING_ENABLED => training.enabled = flag(field, value)?,
        ZSTDPOOL_OPT_TRAINING_DICT_SIZE => training.dict_size = convert(field, value)?,
        ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES => training.min_samples = convert(field, value)?,
        ZSTDPOOL_OPT_TRAINING_MIN_BYTES => training.min_bytes = convert(field, value)?,
        ZSTDPOOL_OPT_TRAINING_MAX_SAMPLES => training.max_samples = convert(field, value)?,
        ZSTDPOOL_OPT_TRAINING_MAX_SAMPLE_SIZE => training.max_sample_size = convert(field, value)?,
        ZSTDPOOL_OPT_TRAINING_EFFORT => training.effort = convert(field, value)?,
        ZSTDPOOL_OPT_TRAINING_MAX_DICT_SIZE => training.max_dict_size = convert(field, value)?,
        ZSTDPOOL_OPT_TRAINING_MAX_BYTES => training.max_bytes = convert(field, value)?,
        ZSTDPOOL_OPT_TRAINING_CATEGORY_VOLUME => training.category_volume = convert(field, value)?,
        ZSTDPOOL_OPT_TRAINING_CATEGORY_ENTRIES => {
            training.category_entries = convert(field, value)?
        }
        ZSTDPOOL_OPT_TRAINER_K => trainer.k = convert(field, value)?,
        ZSTDPOOL_OPT_TRAINER_D => trainer.d = convert(field, value)?,
        ZSTDPOOL_OPT_TRAINER_F => trainer.f = convert(field, value)?,
        ZSTDPOOL_OPT_TRAINER_ACCEL => trainer.accel = convert(field, value)?,
        ZSTDPOOL_OPT_TRAINER_STEPS => trainer.steps = convert(field, value)?,
        ZSTDPOOL_OPT_TRAINER_THREADS => trainer.threads = convert(field, value)?,
        ZSTDPOOL_OPT_TRAINER_SPLIT_POINT => {
            if !(0..=1000).contains(&value) {
                return Err(invalid(
                    field,
                    format!("{value} is outside the allowed range 0..=1000 (per-mille)"),
                ));
            }
            trainer.split_point = value as f64 / 1000.0;
        }
        ZSTDPOOL_OPT_TRAINER_LEVEL => trainer.level = convert(field, value)?,
        ZSTDPOOL_OPT_TRAINER_EXACT_COVER => trainer.exact_cover = flag(field, value)?,
        ZSTDPOOL_OPT_TRAINER_OPTIMIZE => trainer.optimize = flag(field, value)?,
        _ => return Err(unknown(option)),
    }
    Ok(())
}

/// The field of `option` in `config`, as an `int64_t`.
fn read(config: &Config, option: zstdpool_option) -> Result<i64, Error> {
    let wide = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    let training = &config.training;
    let trainer = &training.trainer;
    Ok(match option {
        ZSTDPOOL_OPT_LEVEL => config.level.into(),
        ZSTDPOOL_OPT_CHECKSUM => config.checksum.into(),
        ZSTDPOOL_OPT_WORKERS => wide(config.workers as u64),
        ZSTDPOOL_OPT_PROCESSORS => config.processors.into(),
        ZSTDPOOL_OPT_QUEUE_CAPACITY => wide(config.queue_capacity as u64),
        ZSTDPOOL_OPT_MAX_DECOMPRESSED_SIZE => wide(config.max_decompressed_size),
        ZSTDPOOL_OPT_TRAINING_ENABLED => training.enabled.into(),
        ZSTDPOOL_OPT_TRAINING_DICT_SIZE => wide(training.dict_size as u64),
        ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES => wide(training.min_samples as u64),
        ZSTDPOOL_OPT_TRAINING_MIN_BYTES => wide(training.min_bytes),
        ZSTDPOOL_OPT_TRAINING_MAX_SAMPLES => wide(training.max_samples as u64),
        ZSTDPOOL_OPT_TRAINING_MAX_SAMPLE_SIZE => wide(training.max_sample_size as u64),
        ZSTDPOOL_OPT_TRAINING_EFFORT => training.effort.into(),
        ZSTDPOOL_OPT_TRAINING_MAX_DICT_SIZE => wide(training.max_dict_size as u64),
        ZSTDPOOL_OPT_TRAINING_MAX_BYTES => wide(training.max_bytes),
        ZSTDPOOL_OPT_TRAINING_CATEGORY_VOLUME => wide(training.category_volume),
        ZSTDPOOL_OPT_TRAINING_CATEGORY_ENTRIES => wide(training.category_entries),
        ZSTDPOOL_OPT_TRAINER_K => trainer.k.into(),
        ZSTDPOOL_OPT_TRAINER_D => trainer.d.into(),
        ZSTDPOOL_OPT_TRAINER_F => trainer.f.into(),
        ZSTDPOOL_OPT_TRAINER_ACCEL => trainer.accel.into(),
        ZSTDPOOL_OPT_TRAINER_STEPS => trainer.steps.into(),
        ZSTDPOOL_OPT_TRAINER_THREADS => trainer.threads.into(),
        ZSTDPOOL_OPT_TRAINER_SPLIT_POINT => (trainer.split_point * 1000.0).round() as i64,
        ZSTDPOOL_OPT_TRAINER_LEVEL => trainer.level.into(),
        ZSTDPOOL_OPT_TRAINER_EXACT_COVER => trainer.exact_cover.into(),
        ZSTDPOOL_OPT_TRAINER_OPTIMIZE => trainer.optimize.into(),
        _ => return Err(unknown(option)),
    })
}

/// Checks `value` against the field's own range, whatever the other fields hold: the value
/// goes into a valid configuration whose fields related to this one (workers for
/// processors, min/max samples, exact_cover for d) leave it the widest range, and
/// `Config::validate` judges it there. Cross-field rules are checked at pool creation.
fn check_alone(option: zstdpool_option, value: i64) -> Result<(), Error> {
    let mut probe = Config {
        processors: 0,
        ..Config::default()
    };
    probe.training.min_samples = 1;
    probe.training.max_samples = 1 << 20;
    probe.training.trainer.exact_cover = true;
    match option {
        ZSTDPOOL_OPT_PROCESSORS if value > 0 => probe.workers = 1,
        ZSTDPOOL_OPT_PROCESSORS => probe.workers = 1024,
        _ => {}
    }
    debug_assert_eq!(probe.validate(), Ok(()));
    assign(&mut probe, option, value)?;
    probe.validate().map_err(|e: ConfigError| Error::from(e))
}

/// Creates a configuration holding the defaults (listed with each ZSTDPOOL_OPT_* option).
///
/// On success writes the new handle to *out; the caller owns it and frees it with
/// zstdpool_config_free(). Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT if out is NULL (*out is
/// never written on failure). Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_config_new(out: *mut *mut zstdpool_config) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a pointer valid for writing a handle pointer.
        let out = unsafe { Out::new(out, "out") }?;
        out.write(Box::into_raw(Box::new(zstdpool_config {
            config: Config::default(),
        })));
        Ok(())
    });
    error::status("zstdpool_config_new", result)
}

/// Frees a configuration. NULL is a no-op. Pools created from it are not affected (they
/// copied it). The handle must not be used afterwards, nor by another thread meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_config_free(config: *mut zstdpool_config) {
    panic::catch_or((), || {
        if !config.is_null() {
            // SAFETY: a non-NULL handle comes from zstdpool_config_new() and is freed once.
            drop(unsafe { Box::from_raw(config) });
        }
    });
}

/// Sets one field of a configuration (option: one of the ZSTDPOOL_OPT_* constants).
///
/// The value is checked against the field's own range at once; rules that relate two
/// fields (processors and workers, min and max samples, trainer d and exact_cover) are
/// checked when a pool is created from the configuration. On any error the configuration
/// is unchanged.
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT if config is NULL or option unknown;
/// ZSTDPOOL_ERR_INVALID_CONFIG if the value is out of range, with a message naming the
/// field and its range in zstdpool_last_error(). Thread-safety: not concurrently with any
/// other use of the same configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_config_set(
    config: *mut zstdpool_config,
    option: zstdpool_option,
    value: i64,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a live configuration that nobody else uses now.
        let config = unsafe { args::borrow_mut(config, "config") }?;
        check_alone(option, value)?;
        assign(&mut config.config, option, value)
    });
    error::status("zstdpool_config_set", result)
}

/// Reads one field of a configuration (option: one of the ZSTDPOOL_OPT_* constants) into
/// *out, in the units of zstdpool_config_set().
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT if config or out is NULL or option unknown (*out
/// is then not written). Thread-safety: may run concurrently with other reads of the same
/// configuration, not with zstdpool_config_set() or zstdpool_config_free().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_config_get(
    config: *const zstdpool_config,
    option: zstdpool_option,
    out: *mut i64,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a live configuration not being changed.
        let config = unsafe { args::borrow(config, "config") }?;
        // SAFETY: the caller passes NULL or a pointer valid for writing an int64_t.
        let out = unsafe { Out::new(out, "out") }?;
        out.write(read(&config.config, option)?);
        Ok(())
    });
    error::status("zstdpool_config_get", result)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [zstdpool_option; 23] = [
        1, 2, 3, 4, 5, 6, 100, 101, 102, 103, 104, 105, 106, 200, 201, 202, 203, 204, 205, 206,
        207, 208, 209,
    ];

    #[test]
    fn every_option_reads_back_what_was_set() {
        let mut config = Config::default();
        for option in ALL {
            let value = read(&config, option).unwrap();
            check_alone(option, value).unwrap();
            assign(&mut config, option, value).unwrap();
            assert_eq!(
                read(&config, option).unwrap(),
                value,
                "{}",
                field_name(option).unwrap()
            );
        }
        assert_eq!(config, Config::default());
        assert!(read(&config, 7).is_err());
    }

    #[test]
    fn values_are_checked_against_the_field_alone() {
        let error = check_alone(ZSTDPOOL_OPT_LEVEL, 99).unwrap_err();
        assert_eq!(error.kind, ErrorKind::InvalidConfig);
        assert!(
            error.message.contains("level") && error.message.contains("..=22"),
            "{}",
            error.message
        );
        assert!(check_alone(ZSTDPOOL_OPT_PROCESSORS, 64).is_ok());
        assert!(check_alone(ZSTDPOOL_OPT_PROCESSORS, -64).is_ok());
        assert!(check_alone(ZSTDPOOL_OPT_PROCESSORS, 70000).is_err());
        assert!(check_alone(ZSTDPOOL_OPT_TRAINING_MAX_SAMPLES, 1).is_err());
        assert!(check_alone(ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES, 100_000).is_ok());
        assert!(check_alone(ZSTDPOOL_OPT_TRAINER_D, 12).is_ok());
        assert!(check_alone(ZSTDPOOL_OPT_TRAINER_D, 17).is_err());
        assert!(
            check_alone(ZSTDPOOL_OPT_TRAINING_DICT_SIZE, -1)
                .unwrap_err()
                .message
                .contains("negative")
        );
        assert!(
            check_alone(ZSTDPOOL_OPT_TRAINER_K, 1 << 40)
                .unwrap_err()
                .message
                .contains("training.trainer.k")
        );
        assert!(check_alone(ZSTDPOOL_OPT_TRAINER_SPLIT_POINT, 1001).is_err());
        assert!(check_alone(ZSTDPOOL_OPT_CHECKSUM, 2).is_err());
        assert_eq!(
            check_alone(999, 0).unwrap_err().kind,
            ErrorKind::InvalidArgument
        );
    }
}
