//! The configuration handle: every field of `Config` as a numbered option, set and read one
//! at a time (zstd's `ZSTD_CCtx_setParameter` style), each value range-checked at once.

use std::ffi::{CStr, c_char};

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
    /// A handle holding `config` (e.g. the archive conversion's defaults).
    pub(crate) fn from_config(config: Config) -> zstdpool_config {
        zstdpool_config { config }
    }

    /// The configuration a pool is created with.
    pub(crate) fn config(&self) -> &Config {
        &self.config
    }
}

/// Identifies one configuration field in zstdpool_config_set() and zstdpool_config_get().
/// Values are stable across versions; unknown values are refused with
/// ZSTDPOOL_ERR_INVALID_ARGUMENT. zstdpool_option_count(), zstdpool_option_at() and
/// zstdpool_option_name() list them at run time.
///
/// Three tiers, by number: 1-99 the pool (level, checksum, workers, processors, queue,
/// decompression limit); 100-199 when and on how much data dictionaries are trained;
/// 200-299 (ZSTDPOOL_OPT_TRAINER_*) advanced fine-tuning of libzstd's trainer, which the
/// automatic search sets by itself: most programs never set them, and their meaning follows
/// libzstd's ZDICT parameters.
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
/// zstdpool_pool_add() blocks beyond it. Range 1..16777216. Default 4096. When the queue
/// fills with entries waiting for samples (e.g. a capacity below
/// ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES), the largest such category trains at once on what it
/// has, and its status message says so ("trained early").
pub const ZSTDPOOL_OPT_QUEUE_CAPACITY: i32 = 5;
/// Largest decompressed size of one entry in bytes: more is a rejection
/// (ZSTDPOOL_ERR_TOO_LARGE). At least 1. Default 4 GiB.
pub const ZSTDPOOL_OPT_MAX_DECOMPRESSED_SIZE: i32 = 6;
/// Most rejections zstdpool_pool_rejected() lists (about 200 bytes each); later ones are
/// still counted and reported to their done callbacks. Range 0..2^32. Default 100000.
pub const ZSTDPOOL_OPT_MAX_REJECTIONS: i32 = 7;
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
/// The raw bytes a category is expected to hold in all (0: unknown, the bytes sampled are
/// assumed). The trainer picks the dictionary, or none, that makes frames + dictionary
/// smallest for that volume: a dictionary is stored once per category, so it pays off only
/// when the category is large enough. Range 0..2^50. Default 0.
pub const ZSTDPOOL_OPT_TRAINING_CATEGORY_VOLUME: i32 = 109;
/// Expected number of entries of each category, with ZSTDPOOL_OPT_TRAINING_CATEGORY_VOLUME:
/// the savings measured on samples (entries' first bytes) then count once per entry prefix,
/// not for every byte of long entries. Range 0..2^40; 0: unknown. Default 0.
pub const ZSTDPOOL_OPT_TRAINING_CATEGORY_ENTRIES: i32 = 110;
/// Advanced (trainer fine-tuning). Trainer segment size k in bytes, 16..2048; 0: libzstd's default (or searched with
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

/// One option: its number, its field's name (as `Config::validate` names it in messages)
/// and how to read and write the field as an `int64_t`. Ranges are `Config::validate`'s,
/// checked by [`check_alone`], so they are written once, in the core.
struct OptionSpec {
    id: zstdpool_option,
    name: &'static CStr,
    get: fn(&Config) -> i64,
    set: fn(&mut Config, i64) -> Result<(), Error>,
}

/// A field type an option can carry, converted from and to `int64_t`.
trait OptionValue: Sized {
    fn to_i64(self) -> i64;
    /// `value` in this type; out of the type's range is an error naming `field` (the
    /// field's own range is checked afterwards).
    fn from_i64(field: &str, value: i64) -> Result<Self, Error>;
}

macro_rules! integer_option_value {
    ($($t:ty),*) => {$(
        impl OptionValue for $t {
            fn to_i64(self) -> i64 {
                i64::try_from(self).unwrap_or(i64::MAX)
            }
            fn from_i64(field: &str, value: i64) -> Result<Self, Error> {
                <$t>::try_from(value).map_err(|_| {
                    let why = if value < 0 { "is negative" } else { "is too large" };
                    invalid(field, format!("{value} {why}"))
                })
            }
        }
    )*};
}
integer_option_value!(i32, u32, u64, usize);

/// A 0/1 flag.
impl OptionValue for bool {
    fn to_i64(self) -> i64 {
        self.into()
    }
    fn from_i64(field: &str, value: i64) -> Result<Self, Error> {
        match value {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(invalid(
                field,
                format!("{value} is outside the allowed range 0..=1"),
            )),
        }
    }
}

/// The table row of an option that is one field of `Config`, by its path.
macro_rules! option {
    ($id:expr, $name:literal, $($field:ident).+) => {
        OptionSpec {
            id: $id,
            name: $name,
            get: |config| OptionValue::to_i64(config.$($field).+),
            set: |config, value| {
                config.$($field).+ = OptionValue::from_i64(text($name), value)?;
                Ok(())
            },
        }
    };
}

/// Every option, in the order of their numbers: the one list behind zstdpool_config_set(),
/// zstdpool_config_get() and zstdpool_option_at().
static OPTIONS: &[OptionSpec] = &[
    option!(ZSTDPOOL_OPT_LEVEL, c"level", level),
    option!(ZSTDPOOL_OPT_CHECKSUM, c"checksum", checksum),
    option!(ZSTDPOOL_OPT_WORKERS, c"workers", workers),
    option!(ZSTDPOOL_OPT_PROCESSORS, c"processors", processors),
    option!(
        ZSTDPOOL_OPT_QUEUE_CAPACITY,
        c"queue_capacity",
        queue_capacity
    ),
    option!(
        ZSTDPOOL_OPT_MAX_DECOMPRESSED_SIZE,
        c"max_decompressed_size",
        max_decompressed_size
    ),
    option!(
        ZSTDPOOL_OPT_MAX_REJECTIONS,
        c"max_rejections",
        max_rejections
    ),
    option!(
        ZSTDPOOL_OPT_TRAINING_ENABLED,
        c"training.enabled",
        training.enabled
    ),
    option!(
        ZSTDPOOL_OPT_TRAINING_DICT_SIZE,
        c"training.dict_size",
        training.dict_size
    ),
    option!(
        ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES,
        c"training.min_samples",
        training.min_samples
    ),
    option!(
        ZSTDPOOL_OPT_TRAINING_MIN_BYTES,
        c"training.min_bytes",
        training.min_bytes
    ),
    option!(
        ZSTDPOOL_OPT_TRAINING_MAX_SAMPLES,
        c"training.max_samples",
        training.max_samples
    ),
    option!(
        ZSTDPOOL_OPT_TRAINING_MAX_SAMPLE_SIZE,
        c"training.max_sample_size",
        training.max_sample_size
    ),
    option!(
        ZSTDPOOL_OPT_TRAINING_EFFORT,
        c"training.effort",
        training.effort
    ),
    option!(
        ZSTDPOOL_OPT_TRAINING_MAX_DICT_SIZE,
        c"training.max_dict_size",
        training.max_dict_size
    ),
    option!(
        ZSTDPOOL_OPT_TRAINING_MAX_BYTES,
        c"training.max_bytes",
        training.max_bytes
    ),
    option!(
        ZSTDPOOL_OPT_TRAINING_CATEGORY_VOLUME,
        c"training.category_volume",
        training.category_volume
    ),
    option!(
        ZSTDPOOL_OPT_TRAINING_CATEGORY_ENTRIES,
        c"training.category_entries",
        training.category_entries
    ),
    option!(
        ZSTDPOOL_OPT_TRAINER_K,
        c"training.trainer.k",
        training.trainer.k
    ),
    option!(
        ZSTDPOOL_OPT_TRAINER_D,
        c"training.trainer.d",
        training.trainer.d
    ),
    option!(
        ZSTDPOOL_OPT_TRAINER_F,
        c"training.trainer.f",
        training.trainer.f
    ),
    option!(
        ZSTDPOOL_OPT_TRAINER_ACCEL,
        c"training.trainer.accel",
        training.trainer.accel
    ),
    option!(
        ZSTDPOOL_OPT_TRAINER_STEPS,
        c"training.trainer.steps",
        training.trainer.steps
    ),
    option!(
        ZSTDPOOL_OPT_TRAINER_THREADS,
        c"training.trainer.threads",
        training.trainer.threads
    ),
    // A fraction in the core, per-mille in the C API.
    OptionSpec {
        id: ZSTDPOOL_OPT_TRAINER_SPLIT_POINT,
        name: c"training.trainer.split_point",
        get: |config| (config.training.trainer.split_point * 1000.0).round() as i64,
        set: |config, value| {
            if !(0..=1000).contains(&value) {
                return Err(invalid(
                    "training.trainer.split_point",
                    format!("{value} is outside the allowed range 0..=1000 (per-mille)"),
                ));
            }
            config.training.trainer.split_point = value as f64 / 1000.0;
            Ok(())
        },
    },
    option!(
        ZSTDPOOL_OPT_TRAINER_LEVEL,
        c"training.trainer.level",
        training.trainer.level
    ),
    option!(
        ZSTDPOOL_OPT_TRAINER_EXACT_COVER,
        c"training.trainer.exact_cover",
        training.trainer.exact_cover
    ),
    option!(
        ZSTDPOOL_OPT_TRAINER_OPTIMIZE,
        c"training.trainer.optimize",
        training.trainer.optimize
    ),
];

/// An option's name as text (the names are ASCII).
fn text(name: &'static CStr) -> &'static str {
    name.to_str().unwrap_or("option")
}

/// The table row of `option`, or the error for an unknown one.
fn spec(option: zstdpool_option) -> Result<&'static OptionSpec, Error> {
    OPTIONS.iter().find(|o| o.id == option).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidArgument,
            format!("unknown option {option}"),
        )
    })
}

fn invalid(field: &str, message: String) -> Error {
    Error::new(
        ErrorKind::InvalidConfig,
        format!("invalid {field}: {message}"),
    )
}

/// Sets the field of `option` in `config` to `value`, converted to its type (no range check).
fn assign(config: &mut Config, option: zstdpool_option, value: i64) -> Result<(), Error> {
    (spec(option)?.set)(config, value)
}

/// The field of `option` in `config`, as an `int64_t`.
fn read(config: &Config, option: zstdpool_option) -> Result<i64, Error> {
    Ok((spec(option)?.get)(config))
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

/// Sets one field of a configuration (option: one of the ZSTDPOOL_OPT_* constants, each
/// documented with its range and default in the Options section near the top of this header:
/// LEVEL, CHECKSUM, WORKERS, PROCESSORS, QUEUE_CAPACITY, MAX_DECOMPRESSED_SIZE,
/// MAX_REJECTIONS; TRAINING_
/// ENABLED, DICT_SIZE, MIN_SAMPLES, MIN_BYTES, MAX_SAMPLES, MAX_SAMPLE_SIZE, EFFORT,
/// MAX_DICT_SIZE, MAX_BYTES, CATEGORY_VOLUME, CATEGORY_ENTRIES; advanced: TRAINER_K, D, F, ACCEL, STEPS,
/// THREADS, SPLIT_POINT, LEVEL, EXACT_COVER, OPTIMIZE).
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

/// The number of options (for listing them with zstdpool_option_at()).
///
/// Thread-safety: any thread, any time. Never fails.
#[unsafe(no_mangle)]
pub extern "C" fn zstdpool_option_count() -> usize {
    OPTIONS.len()
}

/// Option number index (0-based) of the list of every option, in increasing order of the
/// ZSTDPOOL_OPT_* values; 0 (no option) when index >= zstdpool_option_count(). With
/// zstdpool_option_name(), lets bindings build their option table from the library instead
/// of copying the header.
///
/// Thread-safety: any thread, any time. Never fails.
#[unsafe(no_mangle)]
pub extern "C" fn zstdpool_option_at(index: usize) -> zstdpool_option {
    OPTIONS.get(index).map_or(0, |o| o.id)
}

/// The name of an option, as error messages name it: "level", "training.min_samples",
/// "training.trainer.k", ...; NULL for an unknown option.
///
/// Ownership: static string; never free it. Thread-safety: any thread, any time.
#[unsafe(no_mangle)]
pub extern "C" fn zstdpool_option_name(option: zstdpool_option) -> *const c_char {
    panic::catch_or(std::ptr::null(), || {
        spec(option).map_or(std::ptr::null(), |o| o.name.as_ptr())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_option_reads_back_what_was_set() {
        let mut config = Config::default();
        for option in OPTIONS.iter().map(|o| o.id) {
            let value = read(&config, option).unwrap();
            check_alone(option, value).unwrap();
            assign(&mut config, option, value).unwrap();
            assert_eq!(
                read(&config, option).unwrap(),
                value,
                "{}",
                text(spec(option).unwrap().name)
            );
        }
        assert_eq!(config, Config::default());
        assert!(read(&config, 99).is_err());
    }

    #[test]
    fn options_are_listed_once_in_order_with_their_names() {
        assert_eq!(zstdpool_option_count(), OPTIONS.len());
        let ids: Vec<_> = (0..zstdpool_option_count())
            .map(|i| zstdpool_option_at(i))
            .collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
        assert_eq!(zstdpool_option_at(OPTIONS.len()), 0);
        // SAFETY: option names are static NUL-terminated strings.
        let name = unsafe { CStr::from_ptr(zstdpool_option_name(ZSTDPOOL_OPT_TRAINER_K)) };
        assert_eq!(name, c"training.trainer.k");
        assert!(zstdpool_option_name(99).is_null());
        let mut names: Vec<_> = OPTIONS.iter().map(|o| o.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), OPTIONS.len());
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
