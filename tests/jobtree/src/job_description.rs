//! `jobDescription.xml`: the DIRAC workflow a production job executes.
//!
//! Shaped like LHCbDIRAC's serialised `Workflow`: job-level `<Parameter>`s (JDL attributes and
//! production bookkeeping values), the Python module definitions, one step definition, and one
//! `<StepInstance>` per application step with its own parameters. Nearly all of it is identical
//! between the jobs of a production; only ids, paths, site and event numbers change.

use super::job::JobCtx;
use super::out::{Out, w};

/// The workflow modules every LHCb production step runs, with a one-line purpose.
const MODULES: [(&str, &str); 8] = [
    (
        "GaudiApplication",
        "Runs the Gaudi application of the step with its options and environment.",
    ),
    (
        "AnalyseXMLSummary",
        "Checks the XML summary of the step: success flag, event counts, file status.",
    ),
    (
        "ErrorLogging",
        "Extracts the error and warning lines of the application log for the error report.",
    ),
    (
        "BookkeepingReport",
        "Prepares the bookkeeping record of the step: files, events, CPU time, node.",
    ),
    (
        "StepAccounting",
        "Sends the CPU and wall-clock accounting of the step.",
    ),
    (
        "UploadOutputData",
        "Uploads the output data of the job to the storage elements of the production.",
    ),
    (
        "UploadLogFile",
        "Packs the log files of the working directory and uploads the tarball.",
    ),
    (
        "FailoverRequest",
        "Collects pending operations (file and job reports, failover transfers) in one request.",
    ),
];

/// Appends one `<Parameter>` element with its value in a CDATA section.
fn param(
    out: &mut Out,
    name: &str,
    kind: &str,
    linked: (&str, &str),
    description: &str,
    value: &str,
) {
    w!(
        out,
        "<Parameter name=\"{name}\" type=\"{kind}\" linked_module=\"{}\" linked_parameter=\"{}\" in=\"True\" out=\"False\" description=\"{description}\"><value><![CDATA[{value}]]></value></Parameter>\n",
        linked.0,
        linked.1
    );
}

/// A JDL parameter (no links).
fn jdl(out: &mut Out, name: &str, description: &str, value: &str) {
    param(out, name, "JDL", ("", ""), description, value);
}

/// A workflow string parameter (no links).
fn string(out: &mut Out, name: &str, description: &str, value: &str) {
    param(out, name, "string", ("", ""), description, value);
}

/// Writes the job description (stops early once `out` is full).
pub(crate) fn write(job: &JobCtx, out: &mut Out) {
    let name = format!("{}_{}", job.prod, job.job);
    let log_dir = format!("/lhcb/MC/MC11a/LOG/{}/{:04}", job.prod, job.job_id / 10_000);
    out.s("<Workflow>\n<origin></origin>\n<description><![CDATA[prodDescription]]></description>\n<descr_short>prodDescription</descr_short>\n<version>0.0</version>\n<type></type>\n");
    w!(out, "<name>{name}</name>\n");
    jdl(
        out,
        "JobType",
        "Optional JDL parameter added",
        "MCSimulation",
    );
    jdl(out, "Priority", "UserPriority", "2");
    jdl(out, "JobGroup", "User specified job group", &job.prod);
    jdl(out, "JobName", "User specified name", &name);
    jdl(out, "Site", "List of sites selected by user", job.site);
    jdl(out, "Origin", "Origin of client", "DIRAC");
    jdl(out, "StdOutput", "Standard output file", "std.out");
    jdl(out, "StdError", "Standard error file", "std.err");
    jdl(out, "LogLevel", "User specified logging level", "verbose");
    jdl(out, "InputSandbox", "Input sandbox file list", "pilot.cfg");
    jdl(
        out,
        "OutputSandbox",
        "Output sandbox file list",
        "std.out;std.err;summary*.xml;prodConf*.py",
    );
    jdl(out, "MaxCPUTime", "CPU time in secs", "1000000");
    string(out, "PRODUCTION_ID", "ProductionID", &job.prod);
    string(out, "JOB_ID", "ProductionJobID", &job.job);
    string(
        out,
        "poolXMLCatName",
        "POOLXMLCatalogName",
        "pool_xml_catalog.xml",
    );
    string(out, "outputMode", "SEResolutionPolicy", "Any");
    string(out, "configName", "ConfigName", "MC");
    string(out, "configVersion", "ConfigVersion", "MC11a");
    string(
        out,
        "conditions",
        "SimOrDataTakingCondsString",
        "Beam3500GeV-2011-MagDown-Nu2-50ns",
    );
    string(
        out,
        "groupDescription",
        "GroupDescription",
        "Sim08a/Digi13/Reco14",
    );
    string(out, "eventType", "EventType", "13104231");
    string(
        out,
        "numberOfEvents",
        "NumberOfEvents",
        &job.events.to_string(),
    );
    if out.full() {
        return;
    }
    let steps: Vec<String> = job
        .workflow
        .iter()
        .enumerate()
        .map(|(i, a)| format!("'{}_{}'", a.name(), i + 1))
        .collect();
    param(
        out,
        "gaudiSteps",
        "list",
        ("", ""),
        "list of Gaudi Steps",
        &format!("[{}]", steps.join(", ")),
    );
    param(
        out,
        "outputSEs",
        "dict",
        ("", ""),
        "dictionary of output SEs",
        "{'SIM': 'Tier1-Buffer', 'DIGI': 'Tier1-Buffer', 'DST': 'Tier1_MC-DST', 'ALLSTREAMS.DST': 'Tier1_MC-DST', 'GAUSSHIST': 'CERN-HIST', 'BOOLEHIST': 'CERN-HIST'}",
    );
    jdl(out, "Owner", "User specified ID", "lbprods");
    jdl(out, "OwnerGroup", "User specified owner group.", "lhcb_mc");
    jdl(
        out,
        "OwnerDN",
        "User specified owner DN.",
        "/DC=ch/DC=cern/OU=Organic Units/OU=Users/CN=lbprods/CN=000000/CN=Production Manager",
    );
    jdl(
        out,
        "runNumber",
        "Input run number",
        &job.run_number.to_string(),
    );
    param(
        out,
        "persistency",
        "String",
        ("", ""),
        "Persistency type of the inputs",
        "ROOT",
    );
    jdl(out, "Status", "Optional JDL parameter added", "Created");
    jdl(
        out,
        "TransformationID",
        "Optional JDL parameter added",
        &job.production.to_string(),
    );
    jdl(
        out,
        "TaskID",
        "Optional JDL parameter added",
        &job.job_id.to_string(),
    );
    jdl(
        out,
        "LogTargetPath",
        "Optional JDL parameter added",
        &format!("{log_dir}/{name}.tar"),
    );
    jdl(
        out,
        "LogFilePath",
        "Optional JDL parameter added",
        &format!("{log_dir}/{}", job.job),
    );
    let lfns: Vec<String> = job
        .workflow
        .iter()
        .enumerate()
        .map(|(i, a)| {
            format!(
                "/lhcb/MC/MC11a/{}/{}/{:04}/{}_{}.{}",
                a.output_type().to_ascii_uppercase(),
                job.prod,
                job.job_id / 10_000,
                name,
                i + 1,
                a.output_type()
            )
        })
        .collect();
    jdl(
        out,
        "BookkeepingLFNs",
        "Optional JDL parameter added",
        &lfns.join(";"),
    );
    jdl(
        out,
        "ProductionOutputData",
        "Optional JDL parameter added",
        lfns.last().map_or("", String::as_str),
    );
    if out.full() {
        return;
    }
    for (module, purpose) in MODULES {
        w!(
            out,
            "<ModuleDefinition>\n<body><![CDATA[\nfrom LHCbDIRAC.Workflow.Modules.{module} import {module}\n]]></body>\n<origin></origin>\n<description><![CDATA[ {purpose}\n]]></description>\n<descr_short></descr_short>\n<required></required>\n<version>0.0</version>\n<type>{module}</type>\n</ModuleDefinition>\n"
        );
    }
    out.s("<StepDefinition>\n<origin></origin>\n<version>0.0</version>\n<type>Gaudi_App_Step</type>\n<description><![CDATA[]]></description>\n<descr_short></descr_short>\n<required></required>\n");
    for (module, _) in MODULES.iter().take(5) {
        w!(
            out,
            "<ModuleInstance>\n<type>{module}</type>\n<name>{module}</name>\n<descr_short></descr_short>\n</ModuleInstance>\n"
        );
    }
    out.s("</StepDefinition>\n");
    for (index, app) in job.workflow.iter().enumerate() {
        if out.full() {
            return;
        }
        let step = index + 1;
        let prefix = format!("{name}_{step}");
        w!(
            out,
            "<StepInstance>\n<type>Gaudi_App_Step</type>\n<name>{}_{step}</name>\n<descr_short></descr_short>\n",
            app.name()
        );
        param(
            out,
            "inputData",
            "string",
            ("self", "InputData"),
            "StepInputData",
            "",
        );
        let input_type = index
            .checked_sub(1)
            .and_then(|i| job.workflow.get(i))
            .map_or("", |a| a.output_type());
        string(
            out,
            "inputDataType",
            "InputDataType",
            &input_type.to_ascii_uppercase(),
        );
        string(out, "outputFilePrefix", "OutputFilePrefix", &prefix);
        string(out, "applicationName", "ApplicationName", app.name());
        string(
            out,
            "applicationVersion",
            "ApplicationVersion",
            app.version(),
        );
        string(
            out,
            "applicationLog",
            "ApplicationLogFile",
            &format!("{}_{prefix}.log", app.name()),
        );
        string(
            out,
            "XMLSummary",
            "XMLSummaryFile",
            &format!("summary{}_{prefix}.xml", app.name()),
        );
        let options: Vec<String> = app
            .options()
            .iter()
            .map(|o| format!("$APPCONFIGOPTS/{o}"))
            .collect();
        string(out, "optionsFile", "OptionsFile", &options.join(";"));
        string(out, "extraOptionsLine", "extraOptionsLines", "");
        string(out, "numberOfEventsInput", "NumberOfEventsInput", "");
        param(
            out,
            "listoutput",
            "list",
            ("", ""),
            "StepOutputList",
            &format!(
                "[{{'outputDataType': '{0}', 'outputDataName': '{prefix}.{0}'}}]",
                app.output_type()
            ),
        );
        string(
            out,
            "extraPackages",
            "ExtraPackages",
            "AppConfig.v3r164;Gen/DecFiles.v27r11;ProdConf",
        );
        string(
            out,
            "BKStepID",
            "BKKStepID",
            &(120_000 + step * 317).to_string(),
        );
        string(
            out,
            "StepProcPass",
            "StepProcessingPass",
            &format!("Sim08a-Step{step}"),
        );
        string(
            out,
            "HistogramName",
            "NameOfHistogram",
            &format!("{}_{prefix}.Hist.root", app.name()),
        );
        string(out, "optionsFormat", "ProdConf configuration", "");
        string(
            out,
            "CondDBTag",
            "ConditionDatabaseTag",
            "sim-20130522-1-vc-md100",
        );
        string(out, "DDDBTag", "DetDescTag", "dddb-20130929-1");
        string(out, "DQTag", "DataQualityTag", "");
        string(out, "multiCore", "MultiCore Flag", "N");
        string(
            out,
            "SystemConfig",
            "system config",
            "x86_64-slc6-gcc48-opt",
        );
        out.s("</StepInstance>\n");
    }
    out.s("<StepInstance>\n<type>Job_Finalization</type>\n<name>finalization</name>\n<descr_short></descr_short>\n</StepInstance>\n</Workflow>\n");
}
