//! `<App>_<prod>_<job>_<step>.log`: the stdout of one Gaudi application step.
//!
//! The shape follows Gaudi's message service output: the Python configuration dump, the
//! "Welcome to" banner, one `Source  LEVEL message` line per service and algorithm while
//! initialising, per-event lines during the loop (with occasional warnings and errors), then the
//! counter tables, the timing table and the termination lines. Each message carries a
//! `hh:mm:ss.mmm` time stamp that advances with the simulated CPU time per event.

use std::fmt::Arguments;

use super::apps::{App, EVENT_ERRORS, EVENT_WARNINGS, FATAL_ERRORS};
use super::clock::{push_ctime, push_hms_millis};
use super::job::{JobCtx, StepCtx};
use super::out::{Out, w};
use super::rng::Rng;

/// Stream tag of the log writer in [`JobCtx::rng_for`].
const KIND: u64 = 1;

/// Width of the `=` rules around the banner and of the timing table.
const RULE: usize = 120;

/// The log being written, with its clock.
struct Log<'a> {
    /// Destination.
    out: &'a mut Out,
    /// Current time, Unix milliseconds.
    now_ms: u64,
}

impl Log<'_> {
    /// Appends one message line: stamp, source padded (or cut, Gaudi style) to 20 columns,
    /// level right-aligned, message.
    fn msg(&mut self, source: &str, level: &str, message: Arguments<'_>) {
        if self.out.full() {
            return;
        }
        push_hms_millis(&mut self.out.buf, self.now_ms);
        self.out.s(" ");
        if source.len() > 20 {
            self.out.s(source.get(..17).unwrap_or(source));
            self.out.s("...");
        } else {
            w!(self.out, "{source:<20}");
        }
        w!(self.out, "{level:>8} {message}\n");
    }

    /// Appends a message without arguments.
    fn text(&mut self, source: &str, level: &str, message: &str) {
        self.msg(source, level, format_args!("{message}"));
    }

    /// Advances the clock.
    fn tick(&mut self, millis: u64) {
        self.now_ms = self.now_ms.saturating_add(millis);
    }
}

/// Writes the whole log of `step` (stops early once `out` is full).
pub(crate) fn write(job: &JobCtx, step: &StepCtx, out: &mut Out) {
    let mut rng = job.rng_for(step.number, KIND);
    let mut log = Log {
        out,
        now_ms: step.start_ms,
    };
    configuration(job, step, &mut log);
    banner(job, step, &mut log);
    if log.out.full() {
        return;
    }
    initialise(job, step, &mut rng, &mut log);
    if log.out.full() {
        return;
    }
    event_loop(job, step, &mut rng, &mut log);
    if log.out.full() {
        return;
    }
    finalise(step, &mut rng, &mut log);
}

/// The `#`-prefixed dump of the Python options: included files and user properties.
fn configuration(job: &JobCtx, step: &StepCtx, log: &mut Log<'_>) {
    let app = step.app;
    let out = &mut *log.out;
    out.s("# setting LC_ALL to \"C\"\n");
    for option in app.options() {
        w!(
            out,
            "# --> Including file '/cvmfs/lhcb.cern.ch/lib/lhcb/DBASE/AppConfig/v3r164/options/{option}'\n"
        );
        w!(
            out,
            "# <-- End of file '/cvmfs/lhcb.cern.ch/lib/lhcb/DBASE/AppConfig/v3r164/options/{option}'\n"
        );
    }
    w!(
        out,
        "# --> Including file '/pool/condor/dir_{}/prodConf_{}_{}.py'\n",
        job.wms_id,
        app.name(),
        step.prefix(job)
    );
    w!(
        out,
        "# <-- End of file '/pool/condor/dir_{}/prodConf_{}_{}.py'\n",
        job.wms_id,
        app.name(),
        step.prefix(job)
    );
    out.s("# applying configuration of LHCbApp\n");
    out.s("# /***** User LHCbApp/LHCbApp ");
    out.repeat('*', 70);
    out.s("\n");
    out.s("# |-DDDBtag    = 'dddb-20130929-1'  (default: '')\n");
    out.s("# |-CondDBtag  = 'sim-20130522-1-vc-md100'  (default: '')\n");
    w!(out, "# |-EvtMax     = {}  (default: -1)\n", job.events);
    out.s("# |-DataType   = '2011'  (default: '2012')\n");
    w!(out, "# |-Simulation = True  (default: False)\n");
    w!(
        out,
        "# |-XMLSummary = 'summary{}_{}.xml'  (default: None)\n",
        app.name(),
        step.prefix(job)
    );
    out.s("# \\----- (End of User LHCbApp/LHCbApp) ");
    out.repeat('-', 61);
    out.s("\n");
    w!(out, "# applying configuration of {}\n", app.name());
    out.s("# Dumping all configurables and properties (different from default)\n");
    w!(out, "{{'ApplicationMgr': {{'EvtMax': {},\n", job.events);
    out.s("                    'HistogramPersistency': 'ROOT',\n");
    w!(
        out,
        "                    'TopAlg': ['GaudiSequencer/{}MainSeq'],\n",
        app.name()
    );
    out.s("                    'ExtSvc': ['ToolSvc', 'AuditorSvc', 'DataOnDemandSvc']},\n");
    w!(
        out,
        " 'HistogramPersistencySvc': {{'OutputFile': '{}_{}.Hist.root'}},\n",
        app.name(),
        step.prefix(job)
    );
    w!(
        out,
        " 'MessageSvc': {{'OutputLevel': {}, 'timeFormat': '%H:%M:%S.%f'}},\n",
        if step.verbose_bytes.is_some() { 2 } else { 3 }
    );
    w!(
        out,
        " 'RndmGenSvc.Engine': {{'Seeds': [{}, {}]}}}}\n",
        job.run_number,
        job.first_event
    );
}

/// The `Welcome to <App>` banner.
fn banner(job: &JobCtx, step: &StepCtx, log: &mut Log<'_>) {
    log.text("ApplicationMgr", "SUCCESS", "");
    let out = &mut *log.out;
    out.repeat('=', RULE);
    out.s("\n");
    let welcome = format!(
        "Welcome to {} version {}",
        step.app.name(),
        step.app.version()
    );
    out.repeat(' ', (RULE - welcome.len()) / 2);
    out.s(&welcome);
    out.s("\n");
    let mut running = format!("running on {} on ", job.host);
    push_ctime(&mut running, step.start_ms / 1000);
    out.repeat(' ', RULE.saturating_sub(running.len()) / 2);
    out.s(&running);
    out.s("\n");
    out.repeat('=', RULE);
    out.s("\n");
}

/// Service and algorithm initialisation lines.
fn initialise(job: &JobCtx, step: &StepCtx, rng: &mut Rng, log: &mut Log<'_>) {
    let app = step.app;
    let debug = step.verbose_bytes.is_some();
    log.text(
        "ApplicationMgr",
        "INFO",
        "Application Manager Configured successfully",
    );
    log.tick(rng.range(200, 900));
    log.text(
        "DetectorPersistencySvc",
        "INFO",
        "Added successfully Conversion service:XmlCnvSvc",
    );
    log.text(
        "DetectorDataSvc",
        "SUCCESS",
        "Detector description database: git:/lhcb.xml",
    );
    log.text(
        "CondDBCnvSvc",
        "INFO",
        "Using tag sim-20130522-1-vc-md100 for CONDDB",
    );
    log.text("DDDB", "INFO", "Using tag dddb-20130929-1 for DDDB");
    log.tick(rng.range(1_000, 4_000));
    log.msg(
        "MagneticFieldSvc",
        "INFO",
        format_args!(
            "Map scaled by factor {:.6} with polarity internally used: -1",
            0.9997 + rng.float(0.0, 0.0006)
        ),
    );
    for service in app.services() {
        log.tick(rng.range(5, 400));
        log.msg(
            service,
            "INFO",
            format_args!("Service {service} initialized successfully"),
        );
        if debug {
            log.text(
                service,
                "DEBUG",
                "Property update for OutputLevel : new value = 2",
            );
            log.text(
                service,
                "DEBUG",
                "Service base class initialized successfully",
            );
        }
    }
    match app {
        App::Gauss => {
            log.msg(
                "GenerationSvc",
                "INFO",
                format_args!(
                    "Pythia8 seeds: run {} event {}",
                    job.run_number, job.first_event
                ),
            );
            log.text(
                "GiGaGeo",
                "INFO",
                "Geometry converted: 8 sub-detectors, 1512 logical volumes",
            );
            log.text(
                "GiGaPhysList",
                "INFO",
                "Physics list FTFP_BERT with LHCb extensions, cut 0.7 mm",
            );
        }
        _ => {
            let input = format!(
                "{}_{}_{}.{}",
                job.prod,
                job.job,
                step.number.saturating_sub(1),
                previous_type(job, step)
            );
            log.msg("EventSelector", "INFO", format_args!("Stream:EventSelector.DataStreamTool_1 Def:DATAFILE='LFN:{input}' SVC='Gaudi::RootEvtSelector' OPT='READ'"));
            log.msg(
                "IODataManager",
                "INFO",
                format_args!(
                    "Referring to dataset {input} by its file ID:{}",
                    step.input_guid
                ),
            );
        }
    }
    for algorithm in app.algorithms() {
        log.tick(rng.range(1, 120));
        log.text(algorithm, "INFO", "Initialized successfully");
        if debug {
            log.text(algorithm, "DEBUG", "input handles: 1");
            log.text(algorithm, "DEBUG", "output handles: 1");
        }
    }
    if rng.chance(1, 3) {
        log.text(
            "ToolSvc.LoKiFactory",
            "WARNING",
            "Deprecated functor, please use the new interface",
        );
    }
    log.msg(
        "EventLoopMgr",
        "INFO",
        format_args!(
            "Output stream {}_{}.{}",
            app.name(),
            step.prefix(job),
            app.output_type()
        ),
    );
    log.text(
        "ApplicationMgr",
        "INFO",
        "Application Manager Initialized successfully",
    );
    log.text(
        "ApplicationMgr",
        "INFO",
        "Application Manager Started successfully",
    );
}

/// The data type read by `step`: the output type of the previous step of the workflow.
fn previous_type(job: &JobCtx, step: &StepCtx) -> &'static str {
    let index = step.number as usize;
    match index.checked_sub(2).and_then(|i| job.workflow.get(i)) {
        Some(app) => app.output_type(),
        None => "raw",
    }
}

/// The event loop: a status line every few events, occasional warnings and errors, debug lines
/// for a verbose step, a fatal error for a failed one.
fn event_loop(job: &JobCtx, step: &StepCtx, rng: &mut Rng, log: &mut Log<'_>) {
    let app = step.app;
    let every = app.print_every();
    // A job is either quiet or noisy, so warnings cluster as on the grid.
    let warn_rate = if rng.chance(1, 4) { 25 } else { 400 };
    let per_event_bytes = step
        .verbose_bytes
        .map(|bytes| bytes / usize::try_from(step.events_in.max(1)).unwrap_or(1));
    // Events are spread over the step's wall-clock time, each at a random point of its own
    // slot, so the log ends when `std.out` says the step ended.
    let loop_start = log.now_ms;
    let slot = step.end_ms.saturating_sub(2_000).saturating_sub(loop_start) / step.events_in.max(1);
    for n in 1..=step.events_in {
        if log.out.full() {
            return;
        }
        let event_start = log.out.len();
        let at = loop_start + (n - 1) * slot + rng.below(slot);
        log.now_ms = log.now_ms.max(at);
        let event_number = job.first_event + n - 1;
        if n == 1 || n % every == 0 || per_event_bytes.is_some() {
            match app {
                App::Gauss => log.msg("GaussGen", "INFO", format_args!(
                    "Event {n} (#{event_number} run {}): {} pile-up interactions, signal process {}",
                    job.run_number, rng.range(1, 5), rng.range(101, 124))),
                _ => log.msg("EventSelector", "SUCCESS", format_args!(
                    "Reading Event record {n}. Record number within stream 1: {n}")),
            }
        }
        if n % 50 == 0 {
            let virtual_mb = (step.memory_kb / 1024).saturating_sub(rng.range(20, 120));
            log.msg(
                "MemoryAuditor",
                "INFO",
                format_args!(
                    "Event {n}: virtual {virtual_mb} MB, resident {} MB",
                    virtual_mb * 7 / 10
                ),
            );
        }
        if rng.chance(1, warn_rate) {
            let source = rng.pick(app.algorithms());
            log.text(source, "WARNING", rng.pick(&EVENT_WARNINGS));
        }
        if rng.chance(1, warn_rate * 6) {
            let source = rng.pick(app.algorithms());
            log.text(source, "ERROR", rng.pick(&EVENT_ERRORS));
        }
        if let Some(bytes) = per_event_bytes {
            debug_lines(app, n, event_start + bytes, rng, log);
        }
        if step.failed && n == step.events_in {
            let source = rng.pick(app.algorithms());
            log.text(source, "FATAL", rng.pick(&FATAL_ERRORS));
            log.text(
                "EventLoopMgr",
                "ERROR",
                "Terminating event processing loop due to errors",
            );
            log.text(
                "ApplicationMgr",
                "ERROR",
                "Failure in the event loop, stopping the application",
            );
            return;
        }
    }
    log.msg(
        "EventLoopMgr",
        "INFO",
        format_args!("---> Loop Finished - {} events processed", step.events_in),
    );
}

/// Per-event debug lines of the verbose step, up to `until` bytes of log.
fn debug_lines(app: App, event: u64, until: usize, rng: &mut Rng, log: &mut Log<'_>) {
    let algorithms = app.algorithms();
    let mut track = 0u64;
    while log.out.len() < until && !log.out.full() {
        let algorithm = algorithms
            .get(track as usize % algorithms.len().max(1))
            .copied()
            .unwrap_or("Alg");
        track += 1;
        log.tick(rng.below(3));
        match track % 3 {
            0 => log.msg(
                algorithm,
                "DEBUG",
                format_args!(
                    "Evt {event} track {track}: chi2/ndof {:.4} p {:.1} MeV tx {:.5} ty {:.5}",
                    rng.float(0.3, 4.0),
                    rng.float(2_000.0, 90_000.0),
                    rng.gauss() * 0.08,
                    rng.gauss() * 0.06
                ),
            ),
            1 => log.msg(
                algorithm,
                "DEBUG",
                format_args!(
                    "Evt {event} cluster {track}: channel {} adc {} neighbours {}",
                    rng.range(0, 1 << 20),
                    rng.range(8, 127),
                    rng.range(0, 4)
                ),
            ),
            _ => log.msg(
                algorithm,
                "VERBOSE",
                format_args!(
                    "Evt {event} vertex {track}: x {:.4} y {:.4} z {:.3} mm ntracks {}",
                    rng.gauss() * 0.04,
                    rng.gauss() * 0.04,
                    rng.gauss() * 45.0,
                    rng.range(4, 60)
                ),
            ),
        }
    }
}

/// Finalisation: per-algorithm counter tables, output summaries, the timing table and the
/// termination lines.
fn finalise(step: &StepCtx, rng: &mut Rng, log: &mut Log<'_>) {
    let app = step.app;
    let events = step.events_in;
    let stop = step.end_ms.saturating_sub(rng.range(300, 1_500));
    log.now_ms = log.now_ms.max(stop);
    log.text(
        "ApplicationMgr",
        "INFO",
        "Application Manager Stopped successfully",
    );
    for (index, algorithm) in app.algorithms().iter().enumerate() {
        if log.out.full() {
            return;
        }
        if index % 3 == 2 {
            continue;
        }
        let counters = 1 + (index % 4);
        log.msg(
            algorithm,
            "INFO",
            format_args!("Number of counters : {counters}"),
        );
        log.out.s(" |    Counter                                      |     #     |    sum     | mean/eff^* | rms/err^*  |     min     |     max     |\n");
        for c in 0..counters {
            let name = COUNTER_NAMES
                .get((index * 3 + c) % COUNTER_NAMES.len())
                .copied()
                .unwrap_or("#");
            if c == 3 {
                let passed = events * rng.range(20, 95) / 100;
                let eff = if events == 0 {
                    0.0
                } else {
                    passed as f64 * 100.0 / events as f64
                };
                w!(
                    log.out,
                    " |*\"{name}\"{:<w$}| {events:>9} | {passed:>10} |({eff:>10.5} +- {:>8.5})% |   -------   |   -------   |\n",
                    "",
                    rng.float(0.1, 4.0),
                    w = 46usize.saturating_sub(name.len())
                );
            } else {
                let mean = rng.float(0.5, 400.0);
                let sum = mean * events as f64;
                w!(
                    log.out,
                    " | \"{name}\"{:<w$}| {events:>9} | {sum:>10.1} | {mean:>10.3} | {:>10.4} | {:>11.1} | {:>11.1} |\n",
                    "",
                    mean * rng.float(0.1, 0.9),
                    mean * rng.float(0.0, 0.3),
                    mean * rng.float(2.0, 9.0),
                    w = 46usize.saturating_sub(name.len())
                );
            }
        }
    }
    log.msg(
        &format!("{}Writer", app.name()),
        "INFO",
        format_args!("Events output: {}", step.events_out),
    );
    log.msg(
        "ToolSvc",
        "INFO",
        format_args!("Removing all tools created by ToolSvc"),
    );
    timing_table(step, rng, log);
    if step.failed {
        log.text(
            "ApplicationMgr",
            "ERROR",
            "Application Manager Terminated with error code 4",
        );
    } else {
        log.text(
            "ApplicationMgr",
            "INFO",
            "Application Manager Finalized successfully",
        );
        log.text(
            "ApplicationMgr",
            "INFO",
            "Application Manager Terminated successfully",
        );
    }
}

/// Counter names of the finalisation tables (one vocabulary for all applications).
const COUNTER_NAMES: [&str; 12] = [
    "# input objects",
    "# output objects",
    "#hits",
    "efficiency",
    "# clusters",
    "#tracks",
    "chi2",
    "passed",
    "#candidates",
    "energy [GeV]",
    "# banks",
    "selected",
];

/// The `TIMER` table: per-algorithm user and clock times per event.
fn timing_table(step: &StepCtx, rng: &mut Rng, log: &mut Log<'_>) {
    let events = step.events_in.max(1);
    let speed = rng.float(0.8, 1.6);
    log.msg(
        "TIMER.TIMER",
        "INFO",
        format_args!(
            "This machine has a speed about {speed:6.2} times the speed of a 2.8 GHz Xeon."
        ),
    );
    log.msg("TIMER.TIMER", "INFO", format_args!("Algorithm          (millisec) |    <user> |   <clock> |      min       max    sigma | entries | total (s) |"));
    let total = step.millis_per_event as f64;
    let row = |log: &mut Log<'_>, name: &str, share: f64, rng: &mut Rng| {
        let user = total * share;
        let clock = user * rng.float(1.0, 1.2);
        log.msg("TIMER.TIMER", "INFO", format_args!(
            "{name:<30}| {user:>9.3} | {clock:>9.3} | {:>8.3} {:>9.1} {:>8.2} | {events:>7} | {:>9.3} |",
            user * rng.float(0.05, 0.5), user * rng.float(2.0, 12.0), user * rng.float(0.2, 1.5), clock * events as f64 / 1000.0));
    };
    row(log, "EVENT LOOP", 1.0, rng);
    let algorithms = step.app.algorithms();
    let mut remaining = 1.0;
    for algorithm in algorithms {
        let share = remaining * rng.float(0.1, 0.5);
        remaining -= share;
        row(log, &format!(" {algorithm}"), share, rng);
    }
}
