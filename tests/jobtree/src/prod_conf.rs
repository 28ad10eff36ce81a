//! `prodConf_<App>_<prod>_<job>_<step>.py`: the per-step options DIRAC generates for ProdConf.
//!
//! A short Python file (well under a kilobyte) that is identical between jobs except for the
//! ids, file names and event numbers: the smallest kind of the tree.

use super::job::{JobCtx, StepCtx};
use super::out::{Out, w};

/// Writes the ProdConf options of `step`.
pub(crate) fn write(job: &JobCtx, step: &StepCtx, out: &mut Out) {
    let app = step.app;
    let prefix = step.prefix(job);
    out.s("from ProdConf import ProdConf\n\nProdConf(\n");
    w!(out, "  NOfEvents={},\n", job.events);
    out.s("  DDDBTag='dddb-20130929-1',\n  CondDBTag='sim-20130522-1-vc-md100',\n");
    w!(out, "  AppVersion='{}',\n", app.version());
    w!(
        out,
        "  XMLSummaryFile='summary{}_{prefix}.xml',\n",
        app.name()
    );
    w!(out, "  Application='{}',\n", app.name());
    w!(out, "  OutputFilePrefix='{prefix}',\n");
    w!(out, "  RunNumber={},\n", job.run_number);
    out.s("  XMLFileCatalog='pool_xml_catalog.xml',\n");
    w!(out, "  FirstEventNumber={},\n", job.first_event);
    w!(
        out,
        "  HistogramFile='{}_{prefix}.Hist.root',\n",
        app.name()
    );
    if step.number > 1 {
        let previous = job
            .workflow
            .get(step.number as usize - 2)
            .map_or("raw", |a| a.output_type());
        w!(
            out,
            "  InputFiles=['LFN:{}_{}_{}.{previous}'],\n",
            job.prod,
            job.job,
            step.number - 1
        );
    }
    w!(out, "  OutputFileTypes=['{}'],\n)\n", app.output_type());
}
