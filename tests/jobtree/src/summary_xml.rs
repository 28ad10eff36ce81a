//! `summary<App>_<prod>_<job>_<step>.xml`: the XML summary an LHCb application writes.
//!
//! Same shape as the production summaries DIRAC analyses after each step: success flag, last
//! step reached, peak memory, input and output files with event counts and status, then one
//! `<counter>` per algorithm statistic. The counter *names* are fixed per application (hence
//! near-identical files), the values scale with the number of events.

use super::apps::App;
use super::job::{JobCtx, StepCtx};
use super::out::{Out, w};
use super::rng::Rng;

/// Stream tag of the summary writer in [`JobCtx::rng_for`].
const KIND: u64 = 2;

/// Sub-detectors with their mean number of simulated hits per event.
const DETECTORS: [(&str, u64); 11] = [
    ("Velo", 700),
    ("PuVeto", 37),
    ("TT", 251),
    ("IT", 232),
    ("OT", 643),
    ("Muon", 227),
    ("Spd", 741),
    ("Prs", 1_260),
    ("Ecal", 1_525),
    ("Hcal", 211),
    ("Rich", 1_988),
];

/// Quantities compared between original and unpacked hits by the Gauss checkers.
const HIT_QUANTITIES: [&str; 9] = [
    "Displacement x",
    "Displacement y",
    "Displacement z",
    "Energy",
    "Entry x",
    "Entry y",
    "Entry z",
    "Mother |P|",
    "Time of flight",
];

/// Generated particle species counted by the Gauss generator monitor.
const SPECIES: [&str; 16] = [
    "pi+", "pi-", "pi0", "K+", "K-", "K0S", "K0L", "p+", "p~-", "n0", "gamma", "e-", "e+", "mu-",
    "mu+", "Lambda0",
];

/// Track types of the reconstruction fit counters.
const TRACK_TYPES: [&str; 5] = ["Long", "Downstream", "Upstream", "Ttrack", "Velo"];

/// Per-track-type fit statistics.
const FIT_STATS: [&str; 6] = [
    "nTracks",
    "badChisq",
    "chisqprobSum",
    "flipCharge",
    "numOutliers",
    "fitFailed",
];

/// Stripping lines of the DaVinci step.
const STRIPPING_LINES: [&str; 24] = [
    "B2HHBDT",
    "B2KShh_DD",
    "B2KShh_LL",
    "Bs2PhiPhi",
    "Bd2KstarMuMu",
    "B2XMuMu",
    "Bu2D0h_KSLL",
    "Bu2D0h_KSDD",
    "B2DPiD2HHH",
    "B2D0KD2HH",
    "D2hhh_KKK",
    "D2hhh_KPP",
    "D02HH_KPi",
    "D02HH_KK",
    "DstarD02KPi",
    "Lambdac2PKPi",
    "DiMuonInc",
    "DiMuonHighMass",
    "Jpsi2MuMuDetached",
    "Z02MuMu",
    "W2MuNu",
    "SingleTrackTIS",
    "Charm2hhh",
    "PromptCharmDiD",
];

/// Writes the whole summary of `step` (stops early once `out` is full).
pub(crate) fn write(job: &JobCtx, step: &StepCtx, out: &mut Out) {
    let mut rng = job.rng_for(step.number, KIND);
    let app = step.app;
    out.s("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\n");
    out.s("<summary version=\"1.0\" xsi:noNamespaceSchemaLocation=\"$XMLSUMMARYBASEROOT/xml/XMLSummary.xsd\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n");
    let (success, last) = if step.failed {
        ("False", "execute")
    } else {
        ("True", "finalize")
    };
    w!(
        out,
        "\t<success>{success}</success>\n\t<step>{last}</step>\n"
    );
    w!(
        out,
        "\t<usage>\n\t\t<stat unit=\"KB\" useOf=\"MemoryMaximum\">{}.0</stat>\n\t</usage>\n",
        step.memory_kb
    );
    if app == App::Gauss {
        out.s("\t<input />\n");
    } else {
        let previous = job
            .workflow
            .get((step.number as usize).saturating_sub(2))
            .map_or("raw", |a| a.output_type());
        let status = if step.failed { "part" } else { "full" };
        w!(
            out,
            "\t<input>\n\t\t<file GUID=\"{}\" name=\"LFN:{}_{}_{}.{previous}\" status=\"{status}\">{}</file>\n\t</input>\n",
            step.input_guid,
            job.prod,
            job.job,
            step.number.saturating_sub(1),
            step.events_in
        );
    }
    let status = if step.failed { "fail" } else { "full" };
    w!(
        out,
        "\t<output>\n\t\t<file GUID=\"{}\" name=\"PFN:{}.{}\" status=\"{status}\">{}</file>\n\t</output>\n",
        step.output_guid,
        step.prefix(job),
        app.output_type(),
        step.events_out
    );
    if step.failed {
        out.s("\t<counters />\n");
    } else {
        out.s("\t<counters>\n");
        match app {
            App::Gauss => gauss_counters(step.events_in, &mut rng, out),
            App::Boole => boole_counters(step.events_in, &mut rng, out),
            App::Brunel => brunel_counters(step.events_in, &mut rng, out),
            App::DaVinci => davinci_counters(step.events_in, &mut rng, out),
        }
        out.s("\t</counters>\n");
    }
    out.s("\t<lumiCounters />\n</summary>\n");
}

/// Appends `<counter name="{alg}/{name}">{value}</counter>`.
fn counter(out: &mut Out, alg: &str, name: &str, value: i64) {
    w!(
        out,
        "\t\t<counter name=\"{alg}/{name}\">{value}</counter>\n"
    );
}

/// `mean * events` with a +-10 % fluctuation.
fn scaled(rng: &mut Rng, events: u64, mean: u64) -> i64 {
    let base = events.saturating_mul(mean);
    (base - base / 10 + rng.below(base / 5 + 1)) as i64
}

/// Simulation: hit packers, hit monitors, and the pack/unpack consistency checkers.
fn gauss_counters(events: u64, rng: &mut Rng, out: &mut Out) {
    let hits: Vec<i64> = DETECTORS
        .iter()
        .map(|&(_, mean)| scaled(rng, events, mean))
        .collect();
    for (&(det, _), &n) in DETECTORS.iter().zip(&hits) {
        if out.full() {
            return;
        }
        counter(out, &format!("MC{det}HitPacker"), "# PackedData", n);
    }
    for species in SPECIES {
        if out.full() {
            return;
        }
        let mean = 12 + rng.below(60);
        counter(
            out,
            "GenMonitor",
            &format!("# {species} generated"),
            scaled(rng, events, mean),
        );
    }
    for (&(det, _), &n) in DETECTORS.iter().zip(&hits).take(6) {
        if out.full() {
            return;
        }
        let alg = format!("Check{det}Hits");
        let values: Vec<i64> = HIT_QUANTITIES
            .iter()
            .map(|_| rng.below(400_000_000) as i64 - 200_000_000)
            .collect();
        for quantity in HIT_QUANTITIES {
            counter(out, &alg, &format!("Diff.    - {quantity}"), 0);
        }
        for prefix in ["Original", "Unpacked"] {
            for (quantity, value) in HIT_QUANTITIES.iter().zip(&values) {
                counter(out, &alg, &format!("{prefix} - {quantity}"), *value);
            }
        }
        counter(out, &format!("{det}HitMonitor"), "numberHits", n);
        counter(
            out,
            &format!("{det}HitMonitor"),
            "DeltaRay",
            n / 10 + rng.below(100) as i64,
        );
    }
    counter(out, "CounterSummarySvc", "handled", 2 * events as i64 + 3);
}

/// Digitisation: unpacking of the hits of three bunch crossings, killers and MC truth links.
fn boole_counters(events: u64, rng: &mut Rng, out: &mut Out) {
    for &(det, mean) in &DETECTORS {
        if out.full() {
            return;
        }
        counter(
            out,
            &format!("UnpackMC{det}Hits"),
            "# UnPackedData",
            scaled(rng, events, mean),
        );
        if matches!(det, "Velo" | "OT" | "Rich") {
            counter(
                out,
                &format!("UnpackMC{det}HitsPrevPrev"),
                "# UnPackedData",
                scaled(rng, events, mean * 3 / 4),
            );
        }
    }
    for det in ["TT", "IT"] {
        counter(
            out,
            &format!("{det}ClusterKiller"),
            "Dead",
            rng.below(80) as i64,
        );
        counter(
            out,
            &format!("{det}ClusterKiller"),
            "Processed",
            scaled(rng, events, 240),
        );
        counter(
            out,
            &format!("{det}ClusterMonitor"),
            "Number of events",
            events as i64,
        );
    }
    for calo in ["Ecal", "Hcal"] {
        counter(
            out,
            &format!("{calo}DigitMCTruth"),
            "#Digit-&gt;MC links",
            scaled(rng, events, 2_800),
        );
        counter(
            out,
            &format!("{calo}DigitMCTruth"),
            "Evts w/o links",
            rng.below(40) as i64,
        );
    }
    counter(out, "CounterSummarySvc", "handled", 2 * events as i64 + 3);
}

/// Reconstruction: event filters, decoding, per-track-type fit statistics and PID.
fn brunel_counters(events: u64, rng: &mut Rng, out: &mut Out) {
    for filter in [
        "FilterNoBeam",
        "FilterBeamCrossing",
        "FilterBeam1",
        "FilterBeam2",
        "HltErrorFilter",
    ] {
        counter(
            out,
            filter,
            "#passed",
            (events * rng.range(5, 100) / 100) as i64,
        );
    }
    for det in ["TT", "IT"] {
        for stat in [
            "# banks found",
            "# valid banks",
            "skipped Banks",
            "# clusters",
        ] {
            let value = if stat == "skipped Banks" {
                0
            } else {
                scaled(rng, events, 48)
            };
            counter(out, &format!("Create{det}Clusters"), stat, value);
        }
    }
    for prefix in [
        "FitBest",
        "FitForward",
        "FitMatch",
        "FitSeed",
        "FitDownstream",
        "FitVelo",
    ] {
        if out.full() {
            return;
        }
        for track in TRACK_TYPES {
            for stat in FIT_STATS {
                let mean = 3 + rng.below(60);
                counter(
                    out,
                    prefix,
                    &format!("{track}.{stat}"),
                    scaled(rng, events, mean),
                );
            }
        }
    }
    for alg in [
        "PatForward",
        "PatSeeding",
        "PatMatch",
        "PatDownstream",
        "FastVeloTracking",
    ] {
        counter(out, alg, "#tracks", scaled(rng, events, 40));
        counter(out, alg, "#seeds", scaled(rng, events, 75));
    }
    for rich in ["Rich1Gas", "Rich2Gas", "Aerogel"] {
        counter(
            out,
            "RichRecoSeq",
            &format!("{rich} photons"),
            scaled(rng, events, 900),
        );
        counter(
            out,
            "RichRecoSeq",
            &format!("{rich} segments"),
            scaled(rng, events, 30),
        );
    }
    counter(out, "MuonIDAlg", "isMuon", scaled(rng, events, 2));
    counter(
        out,
        "PatPVOffline",
        "# primary vertices",
        scaled(rng, events, 2),
    );
    counter(out, "CounterSummarySvc", "handled", 2 * events as i64 + 3);
}

/// Stripping: per-line decisions and candidates, then per-stream event counts.
fn davinci_counters(events: u64, rng: &mut Rng, out: &mut Out) {
    for line in STRIPPING_LINES {
        if out.full() {
            return;
        }
        let passed = rng.below(events / 20 + 2) as i64;
        let alg = format!("Stripping{line}Line");
        counter(out, &alg, "#passed", passed);
        counter(out, &alg, "#candidates", passed * (1 + rng.below(3) as i64));
        counter(out, &alg, "#input particles", scaled(rng, events, 25));
        counter(
            out,
            &format!("Sel{line}Combiner"),
            "# selected",
            passed + rng.below(5) as i64,
        );
    }
    for stream in [
        "Bhadron",
        "Charm",
        "Dimuon",
        "Leptonic",
        "EW",
        "Calibration",
    ] {
        counter(
            out,
            &format!("Stream{stream}"),
            "#accepted",
            rng.below(events / 5 + 1) as i64,
        );
    }
    counter(out, "CounterSummarySvc", "handled", 2 * events as i64 + 3);
}
