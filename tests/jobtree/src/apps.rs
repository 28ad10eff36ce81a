//! The LHCb applications a generated job runs, and the static vocabulary of their logs.
//!
//! Everything that makes two logs of one application look alike (versions, option files,
//! algorithm and service names, per-event work) lives here as constant tables, so the writers
//! of each file kind only add the per-job variation.

/// One Gaudi application of the LHCb software stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum App {
    /// Event generation and detector simulation (Geant4): slow, few events.
    Gauss,
    /// Digitisation of the simulated hits.
    Boole,
    /// Reconstruction.
    Brunel,
    /// Physics selection ("stripping") and analysis.
    DaVinci,
}

/// All applications, in workflow order; `synthetic_entry` cycles through them.
pub(crate) const ALL_APPS: [App; 4] = [App::Gauss, App::Boole, App::Brunel, App::DaVinci];

impl App {
    /// The application name as it appears in file names and banners.
    pub(crate) fn name(self) -> &'static str {
        match self {
            App::Gauss => "Gauss",
            App::Boole => "Boole",
            App::Brunel => "Brunel",
            App::DaVinci => "DaVinci",
        }
    }

    /// The upper-case project name used in installation paths.
    pub(crate) fn project(self) -> &'static str {
        match self {
            App::Gauss => "GAUSS",
            App::Boole => "BOOLE",
            App::Brunel => "BRUNEL",
            App::DaVinci => "DAVINCI",
        }
    }

    /// The release this production was configured with.
    pub(crate) fn version(self) -> &'static str {
        match self {
            App::Gauss => "v41r3",
            App::Boole => "v23r1",
            App::Brunel => "v41r1p1",
            App::DaVinci => "v29r2p1",
        }
    }

    /// The file type this step writes (extension of its output data file).
    pub(crate) fn output_type(self) -> &'static str {
        match self {
            App::Gauss => "sim",
            App::Boole => "digi",
            App::Brunel => "dst",
            App::DaVinci => "allstreams.dst",
        }
    }

    /// The job-option files the step includes, relative to `$APPCONFIGOPTS`.
    pub(crate) fn options(self) -> &'static [&'static str] {
        match self {
            App::Gauss => &[
                "Gauss/Sim08-Beam3500GeV-md100-2011-nu2.py",
                "Gauss/DataType-2011.py",
                "Gauss/RICHRandomHits.py",
                "Gauss/NoPacking.py",
            ],
            App::Boole => &[
                "Boole/Default.py",
                "Boole/DataType-2011.py",
                "Boole/Boole-SiG4EnergyDeposit.py",
                "Persistency/Compression-ZLIB-1.py",
            ],
            App::Brunel => &[
                "Brunel/DataType-2011.py",
                "Brunel/MC-WithTruth.py",
                "Brunel/Brunel-Sim-Reco.py",
                "Persistency/Compression-ZLIB-1.py",
            ],
            App::DaVinci => &[
                "DaVinci/DV-Stripping20r1-Stripping-MC-NoPrescaling.py",
                "DaVinci/DataType-2011.py",
                "DaVinci/InputType-DST.py",
                "Persistency/Compression-ZLIB-1.py",
            ],
        }
    }

    /// The algorithms of the main sequence, in execution order (used for the initialisation
    /// lines, the per-event debug lines, the counter and the timing tables).
    pub(crate) fn algorithms(self) -> &'static [&'static str] {
        match self {
            App::Gauss => &[
                "GaussGen",
                "GenMonitor",
                "GaussSim",
                "GiGaGetEvent",
                "SimMonitor",
                "VeloGaussMoni",
                "TTHitMonitor",
                "ITHitMonitor",
                "OTHitMonitor",
                "RichG4Counters",
                "CaloHitsMoni",
                "MuonHitChecker",
                "GaussTape",
            ],
            App::Boole => &[
                "BooleInit",
                "UnpackMCHits",
                "VeloSimulation",
                "VeloDataProcessor",
                "TTDigitCreator",
                "ITDigitCreator",
                "OTTimeCreator",
                "RichDigitSim",
                "CaloSignalAlg",
                "MuonDigitization",
                "L0Emulator",
                "BooleWriter",
            ],
            App::Brunel => &[
                "BrunelInit",
                "DecodeVeloClusters",
                "FastVeloTracking",
                "PatForward",
                "PatSeeding",
                "PatMatch",
                "TrackBestFit",
                "RichRecoSeq",
                "CaloRecoSeq",
                "MuonIDAlg",
                "ChargedProtoMaker",
                "PatPVOffline",
                "DstWriter",
            ],
            App::DaVinci => &[
                "DaVinciInit",
                "EventNodeKiller",
                "StdAllNoPIDsPions",
                "StdLooseKaons",
                "StdLooseMuons",
                "StrippingGlobal",
                "StrippingB2HH",
                "StrippingD2hhh",
                "StrippingDiMuon",
                "StrippingCharmD0",
                "StreamBhadron",
                "StreamCharm",
                "FSROutputStreamDstWriter",
            ],
        }
    }

    /// The services that announce themselves while the application initialises.
    pub(crate) fn services(self) -> &'static [&'static str] {
        match self {
            App::Gauss => &[
                "RndmGenSvc.Engine",
                "GiGa",
                "GiGaGeo",
                "GiGaPhysList",
                "ParticlePropertySvc",
                "MagneticFieldSvc",
                "GenerationSvc",
            ],
            App::Boole => &[
                "RndmGenSvc.Engine",
                "SpilloverSvc",
                "MagneticFieldSvc",
                "OTReadOutWindow",
                "RichSmartIDTool",
            ],
            App::Brunel => &[
                "MagneticFieldSvc",
                "TrackMasterExtrapolator",
                "RichDetParameters",
                "CaloDigitsFromRaw",
                "MuonRawBuffer",
                "HltConfigSvc",
            ],
            App::DaVinci => &[
                "ParticlePropertySvc",
                "LoKiSvc",
                "PhysDesktop",
                "HltConfigSvc",
                "StrippingReport",
                "TupleToolKinematic",
            ],
        }
    }

    /// Milliseconds of CPU per event (low, high), driving step durations and CPU times.
    pub(crate) fn millis_per_event(self) -> (u64, u64) {
        match self {
            App::Gauss => (30_000, 75_000),
            App::Boole => (150, 400),
            App::Brunel => (900, 2_200),
            App::DaVinci => (200, 600),
        }
    }

    /// One event status line is printed every this many events.
    pub(crate) fn print_every(self) -> u64 {
        match self {
            App::Gauss => 1,
            App::Boole => 10,
            App::Brunel => 2,
            App::DaVinci => 5,
        }
    }

    /// Peak memory in kB (low, high), reported in the XML summary and by the watchdog.
    pub(crate) fn memory_kb(self) -> (u64, u64) {
        match self {
            App::Gauss => (950_000, 1_250_000),
            App::Boole => (780_000, 900_000),
            App::Brunel => (1_500_000, 1_900_000),
            App::DaVinci => (1_100_000, 1_700_000),
        }
    }
}

/// Sites of the grid, in DIRAC's `GRID.Name.country` form, with the domain of their nodes.
pub(crate) const SITES: [(&str, &str); 10] = [
    ("LCG.CERN.cern", "cern.ch"),
    ("LCG.CNAF.it", "cr.cnaf.infn.it"),
    ("LCG.GRIDKA.de", "gridka.de"),
    ("LCG.IN2P3.fr", "in2p3.fr"),
    ("LCG.NIKHEF.nl", "nikhef.nl"),
    ("LCG.PIC.es", "pic.es"),
    ("LCG.RAL.uk", "gridpp.rl.ac.uk"),
    ("LCG.SARA.nl", "grid.sara.nl"),
    ("LCG.Manchester.uk", "tier2.hep.manchester.ac.uk"),
    ("LCG.CSCS.ch", "lcg.cscs.ch"),
];

/// Worker-node CPU models, as the pilot reports them.
pub(crate) const CPU_MODELS: [&str; 5] = [
    "Intel(R) Xeon(R) CPU E5-2630 v3 @ 2.40GHz",
    "Intel(R) Xeon(R) CPU E5645 @ 2.40GHz",
    "AMD Opteron(tm) Processor 6276",
    "Intel(R) Xeon(R) CPU L5520 @ 2.27GHz",
    "Intel(R) Xeon(R) CPU X5650 @ 2.67GHz",
];

/// Warnings an algorithm may print during the event loop (non fatal).
pub(crate) const EVENT_WARNINGS: [&str; 8] = [
    "Track extrapolation failed, skipping state",
    "Too many hits in the event, clusters truncated",
    "Could not find a primary vertex, using default position",
    "Bank of unknown version found, ignored",
    "Particle with |p| above threshold was not propagated",
    "Container of candidates is empty",
    "Maximum number of iterations reached in fit",
    "Conditions not up to date for current event time",
];

/// Errors an algorithm may print during the event loop (the job continues).
pub(crate) const EVENT_ERRORS: [&str; 5] = [
    "Invalid raw bank size, bank skipped",
    "Failed to retrieve linker table from TES",
    "Exception caught in the fit: matrix not positive definite",
    "Negative energy deposit, hit rejected",
    "Inconsistent number of clusters between decoding passes",
];

/// Fatal messages ending a failed step.
pub(crate) const FATAL_ERRORS: [&str; 4] = [
    "Standard std::exception is caught: bad_alloc",
    "Exception with tag=TransportSvc is caught: no intersection found",
    "Event data store is corrupted: unable to read branch",
    "Maximum CPU time exceeded, aborting event loop",
];
