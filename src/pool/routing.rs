//! Moving jobs along by their category's dictionary stage: admitting a new entry, routing a
//! job to a worker or a waiting list, deciding when a collecting category trains, and
//! settling a category once its dictionary is known.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::job::Job;
use super::shared::{Category, Control, Shared};
use super::stage::{Origin, Stage};
use super::task::Task;
use crate::entry::Entry;
use crate::error::{Error, ErrorKind};
use crate::stats::CategoryStats;

impl Shared {
    /// Takes a new entry: wraps it in a job with its sequence number and its category's
    /// counters, and moves it towards a worker.
    pub fn admit(&self, control: &mut Control, entry: Entry) {
        self.admit_with(control, entry, None);
    }

    /// `admit`, with a hook run once the entry is counted (see `Job::on_counted`).
    pub fn admit_with(
        &self,
        control: &mut Control,
        entry: Entry,
        on_counted: Option<Box<dyn FnOnce() + Send>>,
    ) {
        let seq = control.next_seq;
        control.next_seq += 1;
        self.flow.in_flight.fetch_add(1, Ordering::SeqCst);
        self.totals.add();
        let key = entry.dict_name.as_deref().unwrap_or("");
        if !control.categories.contains_key(key) {
            let stage = match &entry.dict_name {
                None => Stage::Ready {
                    dict: None,
                    origin: Origin::NoCategory,
                },
                Some(name) => {
                    self.send(Task::Load {
                        category: name.clone(),
                    });
                    Stage::Loading {
                        waiting: Vec::new(),
                    }
                }
            };
            control
                .categories
                .insert(key.to_owned(), Category::new(key, stage));
        }
        let Some(category) = control.categories.get_mut(key) else {
            return;
        };
        category.counts.add();
        let collecting = matches!(category.stage, Stage::Collecting { .. });
        let key = collecting.then(|| key.to_owned());
        let job = Job {
            seq,
            prefix: Vec::new(),
            counts: Arc::clone(&category.counts),
            entry,
            on_counted,
        };
        self.route(category, job);
        if let Some(key) = key {
            self.maybe_train(control, &key, false);
        }
    }

    /// Moves a job on according to its category's dictionary stage (or, once the pool is
    /// cancelled, to its rejection).
    fn route(&self, category: &mut Category, job: Job) {
        if self.is_cancelled() {
            self.send(Task::Reject {
                job: Box::new(job),
                error: super::batch::cancelled(),
            });
            return;
        }
        match &mut category.stage {
            Stage::Loading { waiting } | Stage::Training { waiting } => waiting.push(job),
            Stage::Ready { dict, .. } => self.send(Task::Process {
                job,
                dict: dict.clone(),
            }),
            Stage::Failed(error) => {
                let error = error.clone();
                self.send(Task::Reject {
                    job: Box::new(job),
                    error,
                });
            }
            // The caller decides when to check the training thresholds (`maybe_train`), so
            // that jobs released together are counted together.
            Stage::Collecting {
                jobs,
                bytes,
                oldest,
            } => {
                *oldest = (*oldest).min(job.seq);
                // A declared size counts only as far as a sample can use it: one entry that
                // declares a terabyte must not start training on itself alone.
                let sample = self.config.training.max_sample_size as u64;
                *bytes = bytes.saturating_add(job.entry.size.unwrap_or(0).min(sample));
                jobs.push(job);
                self.flow.collecting.fetch_add(1, Ordering::SeqCst);
            }
        }
    }

    /// Starts training `key` if it has enough samples or, `with_flush`, if its oldest job
    /// was flushed.
    pub fn maybe_train(&self, control: &mut Control, key: &str, with_flush: bool) {
        let t = &self.config.training;
        let flushed_upto = control.flushed_upto;
        let Some(category) = control.categories.get(key) else {
            return;
        };
        let Stage::Collecting {
            jobs,
            bytes,
            oldest,
        } = &category.stage
        else {
            return;
        };
        let enough = jobs.len() >= t.min_samples && *bytes >= t.min_bytes;
        let full = jobs.len() >= t.max_samples || *bytes >= t.max_bytes;
        let flushed = with_flush && *oldest < flushed_upto;
        if enough || full || flushed {
            self.start_training(control, key);
        }
    }

    /// Moves a collecting category's jobs into a training task.
    pub fn start_training(&self, control: &mut Control, key: &str) {
        let Some(category) = control.categories.get_mut(key) else {
            return;
        };
        let training = Stage::Training {
            waiting: Vec::new(),
        };
        let previous = std::mem::replace(&mut category.stage, training);
        let Stage::Collecting { jobs, .. } = previous else {
            category.stage = previous;
            return;
        };
        self.flow.collecting.fetch_sub(jobs.len(), Ordering::SeqCst);
        self.send(Task::Train {
            category: key.to_owned(),
            jobs,
        });
    }

    /// The collecting categories that have jobs: (bytes, jobs, name).
    fn collecting(control: &Control) -> Vec<(u64, usize, String)> {
        control
            .categories
            .iter()
            .filter_map(|(key, c)| match &c.stage {
                Stage::Collecting { jobs, bytes, .. } if !jobs.is_empty() => {
                    Some((*bytes, jobs.len(), key.clone()))
                }
                _ => None,
            })
            .collect()
    }

    /// Every entry added so far stops waiting for samples: their categories train now,
    /// largest first, so that the longest trainings start first and the workers finish
    /// together.
    pub fn flush(&self, control: &mut Control) {
        control.flushed_upto = control.next_seq;
        let mut collecting = Self::collecting(control);
        collecting.sort_unstable_by(|a, b| b.cmp(a));
        for (_, _, key) in collecting {
            self.start_training(control, &key);
        }
    }

    /// Trains the collecting category with the most waiting jobs (when the pool is full of
    /// jobs that wait for samples, so that `add` never blocks forever).
    pub fn train_largest(&self, control: &mut Control) {
        let largest = Self::collecting(control)
            .into_iter()
            .map(|(_, jobs, key)| (jobs, key))
            .max();
        if let Some((_, key)) = largest {
            if let Some(category) = control.categories.get_mut(&key) {
                category.stats.trained_early_at = self.config.queue_capacity;
            }
            self.start_training(control, &key);
        }
    }

    /// Sets a category's new dictionary stage and routes the jobs that waited on it.
    pub fn settle(&self, key: &str, stage: Stage, waiting: Vec<Job>) {
        let mut control = self.lock();
        if matches!(&stage, Stage::Ready { dict: Some(_), .. }) {
            self.loaded_dicts.fetch_add(1, Ordering::Relaxed);
        }
        let Some(category) = control.categories.get_mut(key) else {
            waiting.into_iter().for_each(|job| self.reject_orphan(job));
            return;
        };
        let previous = std::mem::replace(&mut category.stage, stage);
        let mut jobs = waiting;
        if let Stage::Loading { waiting } | Stage::Training { waiting } = previous {
            jobs.extend(waiting);
        }
        // In order of arrival, checking the training thresholds after each job, so that a
        // category trains on the same entries however long its dictionary look-up took:
        // its first entries up to the thresholds, or those added before a flush.
        jobs.sort_unstable_by_key(|job| job.seq);
        for job in jobs {
            if job.seq >= control.flushed_upto {
                self.maybe_train(&mut control, key, true);
            }
            match control.categories.get_mut(key) {
                Some(category) => self.route(category, job),
                None => self.reject_orphan(job),
            }
            self.maybe_train(&mut control, key, false);
        }
        self.maybe_train(&mut control, key, true);
        drop(control);
        self.wake_if(self.flow.idle());
    }

    /// Rejects a job whose category is gone. Categories are never removed: this only guards
    /// against a bug, so that even then no entry is lost.
    fn reject_orphan(&self, job: Job) {
        let error = Error::new(ErrorKind::Panic, "internal error: unknown category");
        self.send(Task::Reject {
            job: Box::new(job),
            error,
        });
    }

    /// Cancels: every job waiting for samples is rejected now (the others are rejected by
    /// `route` or by the worker that meets them, see `Shared::cancelled`).
    pub fn cancel_collecting(&self, control: &mut Control) {
        for category in control.categories.values_mut() {
            if let Stage::Collecting { jobs, .. } = &mut category.stage {
                let jobs = std::mem::take(jobs);
                self.flow.collecting.fetch_sub(jobs.len(), Ordering::SeqCst);
                for job in jobs {
                    self.send(Task::Reject {
                        job: Box::new(job),
                        error: super::batch::cancelled(),
                    });
                }
            }
        }
    }

    /// Records per-category details once its dictionary is known.
    pub fn update_category(&self, key: &str, update: impl FnOnce(&mut CategoryStats)) {
        if let Some(category) = self.lock().categories.get_mut(key) {
            update(&mut category.stats);
        }
    }
}
