//! The search over how large the dictionary is, the trainer's segment size and (with more
//! effort) its d-mer size and how samples are cut, every candidate judged on held-back samples
//! by the archive it makes (frames + dictionary, see `worth.rs`).
//!
//! The search is greedy, one knob at a time, each stage starting from the best recipe so far:
//! dictionary size first (it matters most: judged by frames alone, the best share of the
//! volume ranged from 1/2 to 1/10 on real logs and moved the held-back size by up to 40%;
//! judged by the archive over little more than the samples, 1/40 to 1/160), then the segment
//! size k (larger segments win with larger dictionaries, up to 10%), d at effort 2, and the
//! cut last at effort 2 (about 1%). Knobs interact little, so this finds nearly what a full
//! grid finds with a fraction of the trainings; effort 2 climbs the size once more at the end
//! for what they do interact. Every candidate costs one training per fold on that fold's
//! samples (at most `sampling::SEARCH_BYTES` of them), and the number of candidates and folds
//! is bounded, so the search costs a bounded number of trainings per byte of samples.

use crate::config::TrainingConfig;
use crate::libzstd::{FastCoverParams, ZstdError};

use super::evaluate::{Fold, GROUPS, Judge, Score};
use super::fit::{self, FitError, Recipe};
use super::sampling::Cut;
use super::sizing::{self, Size};
use super::worth::Archive;

/// One knob and its alternatives, ordered (from larger dictionaries, segments or pieces to
/// smaller ones) so that the search can climb along them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Stage {
    /// Dictionary sizes.
    Sizes(Vec<Size>),
    /// Ways of cutting samples.
    Cuts(Vec<Cut>),
    /// Segment sizes k.
    Segments(Vec<u32>),
    /// d-mer sizes d.
    Dmers(Vec<u32>),
}

impl Stage {
    /// Number of alternatives.
    fn len(&self) -> usize {
        match self {
            Stage::Sizes(v) => v.len(),
            Stage::Cuts(v) => v.len(),
            Stage::Segments(v) => v.len(),
            Stage::Dmers(v) => v.len(),
        }
    }

    /// `base` with this knob set to alternative `index`.
    fn apply(&self, base: &Recipe, index: usize) -> Option<Recipe> {
        let mut r = *base;
        match self {
            Stage::Sizes(v) => r.size = *v.get(index)?,
            Stage::Cuts(v) => r.cut = *v.get(index)?,
            Stage::Segments(v) => {
                r.params = FastCoverParams {
                    k: *v.get(index)?,
                    ..r.params
                }
            }
            Stage::Dmers(v) => {
                r.params = FastCoverParams {
                    d: *v.get(index)?,
                    ..r.params
                }
            }
        }
        Some(r)
    }

    /// Which alternative `recipe` already uses, if any.
    fn position(&self, recipe: &Recipe) -> Option<usize> {
        (0..self.len()).find(|&i| self.apply(recipe, i).as_ref() == Some(recipe))
    }
}

/// What the search does for one configuration: the starting recipe, how many folds judge
/// each candidate, and the stages.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Plan {
    /// The first candidate, and the whole search at effort 0.
    pub(crate) base: Recipe,
    /// Folds each candidate is trained and judged on (see [`Judge::folds`]).
    pub(crate) folds: usize,
    /// Knobs varied after the base, in order.
    pub(crate) stages: Vec<Stage>,
    /// Sizes are climbed like the other knobs (effort 1) rather than scanned (effort 2).
    pub(crate) climb_sizes: bool,
    /// The size climb tries larger dictionaries first: the category's volume is well beyond
    /// the samples, so a larger dictionary is likely to pay.
    pub(crate) larger_first: bool,
}

/// Dictionary shares (training volume / dictionary size) climbed at effort 1, about a factor
/// 2 apart: on real logs judged by frames alone the best share ranged from 1/2 (near-identical
/// entries) to 1/20; where the dictionary must pay for itself over little more than the
/// samples, 1/40 to 1/160 won.
const SHARES_1: [u32; 8] = [2, 3, 5, 10, 20, 40, 80, 160];
/// Dictionary shares scanned at effort 2, about a factor 1.4 apart.
const SHARES_2: [u32; 14] = [2, 3, 4, 5, 7, 10, 14, 20, 28, 40, 56, 80, 113, 160];
/// Volume / sampled bytes from which the size climb starts toward larger dictionaries.
const LARGER_FIRST: u64 = 4;
/// The size search starts at the share nearest this many times sampled / volume: measured on
/// the real-log corpus, the best dictionary was about 1/64 of the volume it must pay for
/// (1/40 to 1/160 of the samples without a hint, the largest share at 1000 times them).
const START_SHARE: f64 = 64.0;
/// The size search starts at a share of at least this: larger dictionaries won often with a
/// large volume, but not always (half the samples in the dictionary leaves the trainer
/// little to choose from), and effort 0 has only its start.
const MIN_START_SHARE: f64 = 5.0;
/// Piece sizes climbed at effort 2 (0 stands for whole samples; effort 1 keeps the base cut:
/// on real logs the others moved the archive by 0.1 % at most).
const CUTS_2: [usize; 6] = [0, 32 * 1024, 16 * 1024, 8 * 1024, 4 * 1024, 2 * 1024];
/// Segment sizes climbed at effort 1 when the configuration leaves k to the trainer: larger
/// segments won on logs as soon as the dictionary is large.
const SEGMENTS_1: [u32; 3] = [4096, 2048, 1024];
/// Segment sizes climbed at effort 2.
const SEGMENTS_2: [u32; 6] = [8192, 4096, 2048, 1024, 512, 256];
/// d-mer sizes tried at effort 2 when the configuration leaves d to the trainer.
const DMERS_2: [u32; 2] = [8, 6];
/// Samples the search wants judged at effort 1 (see [`Plan::new`]): 50 samples or more are
/// judged on one fold, 10 or fewer on all five.
const MIN_JUDGED_1: usize = 10;
/// Most folds at effort 1: with five samples, three of them judged one by one decided as the
/// five did on the real-log corpus, for 60 % of the trainings.
const MAX_FOLDS_1: usize = 3;
/// Samples the search wants judged at effort 2.
const MIN_JUDGED_2: usize = 20;
/// Piece size of the starting recipe (and of effort 0): large enough to keep whole groups of
/// log lines, small enough that a handful of entries gives libzstd plenty of samples.
const BASE_CUT: usize = 16 * 1024;
/// The rung of `shares` nearest (by ratio) to [`START_SHARE`] x `sampled` / `volume`.
fn start_share(shares: &[u32], volume: u64, sampled: u64) -> u32 {
    let target = (START_SHARE * sampled.max(1) as f64 / volume.max(1) as f64).max(MIN_START_SHARE);
    let distance = |s: u32| (f64::from(s) / target).ln().abs();
    shares
        .iter()
        .copied()
        .min_by(|a, b| distance(*a).total_cmp(&distance(*b)))
        .unwrap_or(10)
}

/// Turns a piece size into a cut (0 = whole samples).
fn cut_of(size: usize) -> Cut {
    if size == 0 {
        Cut::Whole
    } else {
        Cut::Pieces(size)
    }
}

impl Plan {
    /// The plan for `config` at its effort, for `samples` non-empty samples of `sampled` bytes
    /// in all, judged for a category of `volume` bytes: the larger the volume, the more a
    /// large dictionary pays, so the size search starts (and first climbs) there.
    ///
    /// A configured `dict_size` or `k` is kept and not searched (nor is `d` when `k` is set, or
    /// anything libzstd's own optimizer searches). Folds: effort 0 holds back one fifth once;
    /// the search uses as many folds as it takes for about [`MIN_JUDGED_1`] (effort 2:
    /// [`MIN_JUDGED_2`]) samples to be judged, at most [`MAX_FOLDS_1`] (effort 2: all five,
    /// leave-one-out for five samples or fewer): with few samples one held-back fifth is a
    /// noisy judge, with many it is representative and one fold keeps the cost per byte flat.
    pub(crate) fn new(config: &TrainingConfig, samples: usize, volume: u64, sampled: u64) -> Plan {
        let effort = config.effort.min(2);
        let wide = effort >= 2;
        let shares: &[u32] = if wide { &SHARES_2 } else { &SHARES_1 };
        let size = if config.dict_size != 0 {
            Size::Fixed(config.dict_size)
        } else {
            Size::Share {
                divisor: start_share(shares, volume, sampled),
                max: config.max_dict_size,
            }
        };
        let larger_first = volume >= sampled.saturating_mul(LARGER_FIRST);
        let mut params = config.trainer;
        // k = 0 leaves the segments to us; d has a nonzero default (8), so d is searched
        // whenever k is (d = 0 too, of course), and kept when k was set by hand.
        let search_k = params.k == 0 && !params.optimize;
        let search_d = (params.d == 0 || search_k) && !params.optimize;
        if search_k {
            params.k = sizing::DEFAULT_K;
        }
        if params.d == 0 && !params.optimize {
            params.d = sizing::DEFAULT_D;
        }
        let base = Recipe {
            cut: Cut::Pieces(BASE_CUT),
            size,
            params,
        };
        if effort == 0 {
            return Plan {
                base,
                folds: 1,
                stages: Vec::new(),
                climb_sizes: true,
                larger_first,
            };
        }
        let mut stages = Vec::new();
        let sizes = (config.dict_size == 0).then(|| {
            Stage::Sizes(
                shares
                    .iter()
                    .map(|&divisor| Size::Share {
                        divisor,
                        max: config.max_dict_size,
                    })
                    .collect(),
            )
        });
        stages.extend(sizes.clone());
        if search_k {
            stages.push(Stage::Segments(if wide {
                SEGMENTS_2.to_vec()
            } else {
                SEGMENTS_1.to_vec()
            }));
        }
        if search_d && wide {
            stages.push(Stage::Dmers(DMERS_2.to_vec()));
        }
        if wide {
            stages.push(Stage::Cuts(CUTS_2.iter().map(|&c| cut_of(c)).collect()));
            // Larger segments or other pieces may move the best size: climb it once more.
            stages.extend(sizes);
        }
        let judged = if wide { MIN_JUDGED_2 } else { MIN_JUDGED_1 };
        let most = if wide { GROUPS } else { MAX_FOLDS_1 };
        let folds = (judged * GROUPS).div_ceil(samples.max(1)).clamp(1, most);
        Plan {
            base,
            folds,
            stages,
            climb_sizes: !wide,
            larger_first,
        }
    }

    /// True when `stage` is climbed rather than scanned.
    fn climbs(&self, stage: &Stage) -> bool {
        self.climb_sizes || !matches!(stage, Stage::Sizes(_))
    }

    /// The alternatives next to `at` on `stage`, applied to `from`, with their positions: the
    /// likelier better one first (smaller dictionaries unless the volume is large; larger
    /// segments).
    fn neighbours(&self, stage: &Stage, from: &Recipe, at: usize) -> Vec<(usize, Recipe)> {
        let steps = match stage {
            Stage::Sizes(_) if !self.larger_first => [1, -1],
            _ => [-1, 1],
        };
        steps
            .iter()
            .filter_map(|&step| {
                let index = at.checked_add_signed(step)?;
                Some((index, stage.apply(from, index)?))
            })
            .collect()
    }
}

/// The best recipe found and how it scored.
#[derive(Clone, Debug)]
pub(crate) struct Found {
    /// The recipe whose dictionaries compressed the held-back samples smallest.
    pub(crate) recipe: Recipe,
    /// Its sizes summed over the folds.
    pub(crate) score: Score,
    /// Its dictionary trained on the first fold.
    pub(crate) fold_dict: Vec<u8>,
    /// It trained on all samples, if a thread had time to do that during the search.
    pub(crate) retrained: Option<Result<Vec<u8>, FitError>>,
}

/// Why no candidate could be judged.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum SearchError {
    /// Every candidate had too little data to train on.
    TooLittle(String),
    /// libzstd failed otherwise (including while compressing held-back samples).
    Failed(String),
}

impl From<ZstdError> for SearchError {
    fn from(e: ZstdError) -> Self {
        SearchError::Failed(e.name().to_owned())
    }
}

/// Trains `recipe` on every fold and sums its scores; a fold without a dictionary fails the
/// candidate (its score would not be comparable). The score's dictionary size is what the
/// final training on all `sampled` bytes is expected to give: each fold's dictionary scaled
/// by the capacity the recipe asks for on all samples against on the fold's. Also gives the
/// first fold's dictionary (a stand-in should the final training do worse).
pub(crate) fn evaluate(
    judge: &mut Judge,
    folds: &[Fold<'_>],
    recipe: &Recipe,
    sampled: u64,
) -> Result<Result<(Score, Vec<u8>), FitError>, ZstdError> {
    let mut total = Score::default();
    let mut first = None;
    let all = recipe.size.capacity(sampled) as u64;
    for fold in folds {
        let dict = match fit::fit(&fold.train, recipe) {
            Ok(dict) => dict,
            Err(e) => return Ok(Err(e)),
        };
        match judge.judge(&dict, fold)? {
            Some(mut score) => {
                let trained = recipe.size.capacity(fold.train_bytes()).max(1) as u64;
                score.dict = (score.dict * all).div_ceil(trained).max(score.dict);
                total.add(score);
                first.get_or_insert(dict);
            }
            None => {
                return Ok(Err(FitError::Failed(
                    "libzstd could not load the dictionary".to_owned(),
                )));
            }
        }
    }
    Ok(Ok((total, first.unwrap_or_default())))
}

/// Runs `plan` on `folds`: the base recipe, then each stage in turn, from the best recipe so
/// far. A stage climbs (sizes at effort 2 are scanned whole instead): it judges the
/// alternatives on both sides of the current one together, then keeps going, one at a time,
/// in the direction of the better one while that improves. For a knob with a single best
/// value, as size and segment length are on real data, this finds it with two or three
/// candidates instead of all of them. The base is judged together with the first stage's
/// two neighbours. The candidates judged together are trained on up to `threads` threads (one
/// [`Judge`] each, made at `level`), and a thread a step leaves idle trains the best recipe so
/// far on all `samples` (the final training, done ahead should that recipe win); which
/// candidates are judged never depends on `threads`, so neither does the result. The best
/// candidate is the one that makes the archive (frames extrapolated to `archive`'s volume plus
/// the dictionary) smallest; ties keep the earlier one in plan order, so the result is
/// deterministic.
pub(crate) fn run(
    samples: &[&[u8]],
    folds: &[Fold<'_>],
    plan: &Plan,
    archive: Archive,
    (level, threads): (i32, usize),
) -> Result<Found, SearchError> {
    let judges = (0..threads.clamp(1, MAX_THREADS))
        .map(|_| Judge::new(level))
        .collect::<Result<Vec<_>, _>>()?;
    let mut search = Search {
        judges,
        samples,
        retrained: Vec::new(),
        folds,
        archive,
        tried: Vec::new(),
        best: None,
    };
    let mut first = vec![plan.base];
    if let Some(stage) = plan.stages.first()
        && plan.climbs(stage)
        && let Some(at) = stage.position(&plan.base)
    {
        first.extend(
            plan.neighbours(stage, &plan.base, at)
                .into_iter()
                .map(|(_, r)| r),
        );
    }
    search.consider(&first)?;
    for stage in &plan.stages {
        let from = search.best.as_ref().map_or(plan.base, |(r, _, _)| *r);
        match stage.position(&from).filter(|_| plan.climbs(stage)) {
            Some(at) => {
                let sides = plan.neighbours(stage, &from, at);
                let recipes: Vec<Recipe> = sides.iter().map(|(_, r)| *r).collect();
                search.consider(&recipes)?;
                let best = search.best.as_ref().map(|(r, _, _)| *r);
                let Some(&(mut index, _)) = sides.iter().find(|(_, r)| Some(*r) == best) else {
                    continue;
                };
                let step = if index < at { -1 } else { 1 };
                while let Some(next) = index.checked_add_signed(step)
                    && let Some(recipe) = stage.apply(&from, next)
                    && search.consider(&[recipe])? == [true]
                {
                    index = next;
                }
            }
            // A scan, or the current value is not on this ladder: try every alternative.
            None => {
                let all: Vec<Recipe> = (0..stage.len())
                    .filter_map(|i| stage.apply(&from, i))
                    .collect();
                search.consider(&all)?;
            }
        }
    }
    let Search {
        tried,
        best,
        mut retrained,
        ..
    } = search;
    match best {
        Some((recipe, score, fold_dict)) => Ok(Found {
            recipe,
            score,
            fold_dict,
            retrained: retrained
                .iter()
                .position(|(r, _)| *r == recipe)
                .map(|i| retrained.swap_remove(i).1),
        }),
        None => Err(match tried.iter().find_map(|(_, r)| r.as_ref().err()) {
            Some(FitError::Failed(reason)) => SearchError::Failed(reason.clone()),
            Some(FitError::TooLittle(reason)) => SearchError::TooLittle(reason.clone()),
            None => SearchError::TooLittle("no sample could be held back".to_owned()),
        }),
    }
}

/// Most threads a search uses: no step has more work (effort 2 scans 14 sizes, plus an early
/// final training), and each thread holds a compression context.
const MAX_THREADS: usize = 16;

/// One candidate's evaluation: its score and first fold's dictionary, or why it failed.
type Evaluated = Result<(Score, Vec<u8>), FitError>;

/// A training of a recipe on all samples: the dictionary handed out if the recipe wins.
type Retrained = Result<Vec<u8>, FitError>;

/// Work for one thread of a search step.
#[derive(Clone, Copy, Debug)]
enum Task {
    /// Judge a candidate on the folds.
    Judge(Recipe),
    /// Train a recipe on all samples, ahead of time, on a thread the step leaves idle.
    Retrain(Recipe),
}

/// What a [`Task`] gave.
enum Done {
    /// A judged candidate.
    Judged(Result<Evaluated, ZstdError>),
    /// A recipe trained on all samples.
    Retrained(Retrained),
}

/// Runs `tasks` on `judges.len()` threads (round robin, so each thread takes about as many;
/// one thread runs them in order), results in the order of `tasks`.
fn run_tasks(
    judges: &mut [Judge],
    folds: &[Fold<'_>],
    samples: &[&[u8]],
    tasks: &[Task],
) -> Vec<Done> {
    let sampled = samples.iter().map(|s| s.len() as u64).sum();
    let run = |judge: &mut Judge, task: &Task| match task {
        Task::Judge(recipe) => Done::Judged(evaluate(judge, folds, recipe, sampled)),
        Task::Retrain(recipe) => Done::Retrained(fit::fit(samples, recipe)),
    };
    let threads = judges.len().min(tasks.len()).max(1);
    if threads == 1 {
        let judge = &mut judges[0];
        return tasks.iter().map(|t| run(judge, t)).collect();
    }
    let mut results: Vec<Option<Done>> = Vec::new();
    results.resize_with(tasks.len(), || None);
    std::thread::scope(|scope| {
        let handles: Vec<_> = judges
            .iter_mut()
            .take(threads)
            .enumerate()
            .map(|(t, judge)| {
                let run = &run;
                scope.spawn(move || {
                    (t..tasks.len())
                        .step_by(threads)
                        .map(|i| (i, run(judge, &tasks[i])))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            // A panic in a thread (a bug) is re-raised here, as it would be single-threaded.
            let done = handle
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            for (i, result) in done {
                results[i] = Some(result);
            }
        }
    });
    results.into_iter().flatten().collect()
}

/// The state of one search: the judge, the folds, what was tried and the best so far.
struct Search<'f, 'a> {
    /// Compress held-back samples, one per thread.
    judges: Vec<Judge>,
    /// All samples (what the winner is trained on at the end).
    samples: &'f [&'a [u8]],
    /// Recipes already trained on all samples, ahead of time.
    retrained: Vec<(Recipe, Retrained)>,
    /// The splits every candidate is judged on.
    folds: &'f [Fold<'a>],
    /// What candidates are judged by.
    archive: Archive,
    /// Every candidate evaluated so far, in order.
    tried: Vec<(Recipe, Result<Score, FitError>)>,
    /// The best recipe so far, its score and first fold's dictionary.
    best: Option<(Recipe, Score, Vec<u8>)>,
}

impl Search<'_, '_> {
    /// Evaluates `recipes` (those not already tried, in parallel) and says, for each in
    /// order, whether it became the best, as if they had been judged one after the other. Two
    /// recipes that give every fold the same training (same pieces, capacity and resolved
    /// parameters: a share clamped to the same bound, a segment size clamped to the same
    /// fraction of a small dictionary, pieces larger than every sample) are the same
    /// candidate and are not trained twice.
    fn consider(&mut self, recipes: &[Recipe]) -> Result<Vec<bool>, ZstdError> {
        let mut keys: Vec<Vec<(Cut, usize, FastCoverParams)>> =
            self.tried.iter().map(|(r, _)| self.trainings(r)).collect();
        let mut fresh = Vec::new();
        for recipe in recipes {
            let key = self.trainings(recipe);
            if !keys.contains(&key) {
                keys.push(key);
                fresh.push(*recipe);
            }
        }
        let mut tasks: Vec<Task> = fresh.iter().map(|&r| Task::Judge(r)).collect();
        // A thread this step leaves idle trains the likely winner on all samples meanwhile.
        let threads = self.judges.len();
        let likely = self
            .best
            .as_ref()
            .map(|(r, _, _)| *r)
            .or(fresh.first().copied());
        if threads > 1
            && fresh.len() % threads != 0
            && let Some(recipe) = likely
            && !self.retrained.iter().any(|(r, _)| *r == recipe)
        {
            tasks.push(Task::Retrain(recipe));
        }
        let mut evaluated = Vec::with_capacity(fresh.len());
        for (task, done) in tasks.iter().zip(run_tasks(
            &mut self.judges,
            self.folds,
            self.samples,
            &tasks,
        )) {
            match (task, done) {
                (Task::Retrain(recipe), Done::Retrained(dict)) => {
                    self.retrained.push((*recipe, dict))
                }
                (_, Done::Judged(result)) => evaluated.push(result?),
                _ => {}
            }
        }
        let mut evaluated = evaluated.into_iter();
        let mut steps = Vec::with_capacity(recipes.len());
        for recipe in recipes {
            if !fresh.contains(recipe) || self.tried.iter().any(|(r, _)| r == recipe) {
                steps.push(false);
                continue;
            }
            let Some(result) = evaluated.next() else {
                steps.push(false);
                continue;
            };
            steps.push(self.record(*recipe, result));
        }
        Ok(steps)
    }

    /// Records one evaluated candidate; true when it became the best.
    fn record(&mut self, recipe: Recipe, result: Evaluated) -> bool {
        let (result, dict) = match result {
            Ok((score, dict)) => (Ok(score), dict),
            Err(e) => (Err(e), Vec::new()),
        };
        let better = match (&result, &self.best) {
            (Err(_), _) => false,
            (Ok(_), None) => true,
            (Ok(score), Some((_, best, _))) => self.archive.with(score) < self.archive.with(best),
        };
        if let (true, Ok(score)) = (better, &result) {
            self.best = Some((recipe, *score, dict));
        }
        self.tried.push((recipe, result));
        better
    }

    /// What `recipe` makes libzstd do in each fold: cut, capacity and resolved parameters.
    fn trainings(&self, recipe: &Recipe) -> Vec<(Cut, usize, FastCoverParams)> {
        self.folds
            .iter()
            .map(|f| {
                let volume = f.train_bytes();
                let capacity = recipe.size.capacity(volume);
                (
                    recipe.cut.effective(&f.train),
                    capacity,
                    fit::resolve(&recipe.params, capacity, volume),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_knobs_are_not_searched() {
        let config = TrainingConfig::default();
        let plan = Plan::new(&config, 100, 1 << 20, 1 << 20);
        assert!(plan.stages.iter().any(|s| matches!(s, Stage::Sizes(_))));
        assert!(plan.stages.iter().any(|s| matches!(s, Stage::Segments(_))));
        assert_eq!(plan.folds, 1);

        let fixed = TrainingConfig {
            dict_size: 4096,
            trainer: FastCoverParams {
                k: 300,
                d: 6,
                ..FastCoverParams::default()
            },
            ..TrainingConfig::default()
        };
        let plan = Plan::new(&fixed, 100, 1 << 20, 1 << 20);
        assert_eq!(plan.base.size, Size::Fixed(4096));
        assert_eq!((plan.base.params.k, plan.base.params.d), (300, 6));
        assert!(plan.stages.is_empty());
    }

    #[test]
    fn the_size_search_starts_where_the_volume_says() {
        assert_eq!(start_share(&SHARES_1, 1000, 1000), 80);
        assert_eq!(start_share(&SHARES_1, 1_000_000, 1000), 5);
        assert_eq!(start_share(&SHARES_1, 6400, 1000), 10);
        let config = TrainingConfig::default();
        let small = Plan::new(&config, 100, 1000, 1000);
        let large = Plan::new(&config, 100, 1_000_000, 1000);
        assert!(!small.larger_first && large.larger_first);
        assert!(small.base.size.capacity(1 << 20) < large.base.size.capacity(1 << 20));
    }

    #[test]
    fn effort_zero_trains_once_and_few_samples_get_more_folds() {
        let plan = Plan::new(
            &TrainingConfig {
                effort: 0,
                ..TrainingConfig::default()
            },
            3,
            1,
            1,
        );
        assert!(plan.stages.is_empty());
        assert_eq!(plan.folds, 1);
        let config = TrainingConfig::default();
        assert_eq!(Plan::new(&config, 5, 1, 1).folds, MAX_FOLDS_1);
        assert_eq!(Plan::new(&config, 25, 1, 1).folds, 2);
        assert_eq!(Plan::new(&config, 2000, 1, 1).folds, 1);
    }

    #[test]
    fn stages_apply_and_locate_their_alternatives() {
        let base = Plan::new(&TrainingConfig::default(), 100, 1, 1).base;
        let stage = Stage::Segments(SEGMENTS_1.to_vec());
        assert_eq!(stage.position(&base), Some(1));
        assert_eq!(stage.apply(&base, 0).map(|r| r.params.k), Some(4096));
        assert_eq!(stage.apply(&base, 3), None);
        assert_eq!(Stage::Cuts(vec![Cut::Whole]).position(&base), None);
    }
}
