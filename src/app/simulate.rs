//! `watchtrail simulate`: a simulated experiment's transcripts and its hidden truth.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Result;

/// A variant's readable name: its kind, and for kinds played with several returns,
/// which (`power-off/mid-migration`).
pub(super) fn variant_label(v: crate::simulate::Variant) -> String {
    use crate::simulate::{Return, Variant};
    let ret = |r: Return| match r {
        Return::BeforeEviction => "before-eviction",
        Return::MidMigration => "mid-migration",
        Return::PostMigration => "post-migration",
        Return::Never => "never",
        Return::CaptureEndsFirst => "capture-ends-first",
    };
    match v {
        Variant::PowerOff(r) | Variant::GracefulShutdown(r) | Variant::LegacyNodeLost(r) => {
            format!("{}/{}", v.name(), ret(r))
        }
        Variant::FullDisruption { returns } => {
            format!("{}/{}", v.name(), if returns { "returns" } else { "never" })
        }
        _ => v.name().to_string(),
    }
}

/// `--variant`: a number, a full name from `--list`, or a kind (its first variant).
pub(super) fn pick_variant(
    all: &[crate::simulate::Variant],
    wanted: &str,
) -> Result<crate::simulate::Variant> {
    let found = match wanted.parse::<usize>() {
        Ok(i) => all.get(i).copied(),
        Err(_) => all
            .iter()
            .find(|v| variant_label(**v) == wanted)
            .or_else(|| all.iter().find(|v| v.name() == wanted))
            .copied(),
    };
    found.ok_or_else(|| {
        anyhow::anyhow!(
            "--variant {wanted}: no such variant (0..{}, or a name; see --list)",
            all.len() - 1
        )
    })
}

/// `simulate`: writes one simulated experiment (transcripts + the hidden truth).
pub(super) fn simulate(args: crate::cli::SimulateArgs, ui: crate::cli::UiArgs) -> Result<ExitCode> {
    use crate::simulate::{self, Config};
    use anyhow::Context;
    let all = simulate::Variant::all();
    if args.list {
        let mut out = crate::outfile::stdout();
        writeln!(
            out,
            " #  variant                            scenario it yields (seed 0)"
        )?;
        for (i, v) in all.iter().enumerate() {
            let yields = simulate::run(&Config::new(0, *v)).truth.scenario;
            writeln!(out, "{i:>2}  {:<34} {yields}", variant_label(*v))?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let (Some(bytes), Some(k)) = (args.churn, args.failures) {
        return soak(&args, bytes, k);
    }
    if let Some(bytes) = args.churn {
        let mut out = io::BufWriter::new(crate::outfile::stdout());
        match args.screens {
            Some(changes) => {
                simulate::churn::write_screens(&mut out, args.seed, bytes, changes.max(0.0))?
            }
            None => simulate::churn::write_transcript(
                &mut out,
                args.seed,
                bytes,
                args.repeats.clamp(0.0, 1.0),
            )?,
        };
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let variant = pick_variant(&all, &args.variant)?;
    let dir = args.output.expect("clap requires --output without --list");
    std::fs::create_dir_all(&dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let e = simulate::run(&Config::new(args.seed, variant));
    for f in &e.files {
        let path = dir.join(&f.name);
        std::fs::write(&path, &f.text)
            .with_context(|| format!("{}: cannot write", path.display()))?;
    }
    let t = &e.truth;
    let truth = serde_json::json!({
        "schema": "watchtrail/simulation-truth/v1",
        "variant": variant_label(variant),
        "seed": args.seed,
        "scenario": t.scenario,
        "failed_nodes": t.failed_nodes,
        "times_s": {"injected": t.injected, "F": t.f, "E": t.e, "R": t.r, "N": t.n, "node_ready": t.node_ready},
        "metrics_s": {
            "detection_s": t.metrics.detection_s,
            "eviction_s": t.metrics.eviction_s,
            "replacement_s": t.metrics.replacement_s,
            "unavailable_s": t.metrics.unavailable_s,
            "node_down_s": t.metrics.node_down_s,
        },
    });
    let path = dir.join("truth.json");
    std::fs::write(&path, serde_json::to_string_pretty(&truth)? + "\n")
        .with_context(|| format!("{}: cannot write", path.display()))?;
    if !ui.quiet {
        writeln!(
            crate::outfile::stdout(),
            "wrote {} transcript(s) and truth.json to {} (true scenario: {})",
            e.files.len(),
            dir.display(),
            t.scenario
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `simulate --churn SIZE --failures K`: a chaos soak, to stdout or as `pods.log` and
/// `truth.json` in `--output DIR` (and `nodes.log` with `--node-stream`, `events.log`
/// with `--events`).
fn soak(args: &crate::cli::SimulateArgs, bytes: u64, k: usize) -> Result<ExitCode> {
    use crate::simulate::soak::{Soak, SoakConfig};
    use anyhow::Context;
    let mut cfg = SoakConfig::new(args.seed, bytes, args.pods, k);
    if args.node_stream {
        cfg = cfg.with_node_stream();
    }
    if args.events {
        cfg = cfg.with_events();
    }
    if args.relist {
        cfg = cfg.with_relists();
    }
    if args.no_wide {
        cfg = cfg.without_wide();
    }
    if args.partitions {
        cfg = cfg.with_partitions();
    }
    if args.all_namespaces {
        cfg = cfg.with_all_namespaces();
    }
    if args.output_watch_events {
        cfg = cfg.with_watch_events();
    }
    let cfg = cfg
        .with_toleration_s(args.toleration)
        .with_in_place(args.in_place)
        .with_pod_age_days(args.pod_age)
        .with_rollouts_per_hour(args.rollouts);
    let cfg = match args.churn_gap {
        Some(seconds) => cfg.with_churn_gap_s(seconds),
        None => cfg,
    };
    let soak = Soak::new(cfg);
    match &args.output {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("{}: cannot create", dir.display()))?;
            let path = dir.join("pods.log");
            let file = std::fs::File::create(&path)
                .with_context(|| format!("{}: cannot write", path.display()))?;
            let mut out = io::BufWriter::new(file);
            let beside = |wanted: bool, name: &str| -> Result<Option<io::BufWriter<_>>> {
                if !wanted {
                    return Ok(None);
                }
                let path = dir.join(name);
                let file = std::fs::File::create(&path)
                    .with_context(|| format!("{}: cannot write", path.display()))?;
                Ok(Some(io::BufWriter::new(file)))
            };
            let mut nodes = beside(args.node_stream, "nodes.log")?;
            let mut events = beside(args.events, "events.log")?;
            let truth = soak.write_beside(
                &mut out,
                nodes.as_mut().map(|w| w as &mut dyn Write),
                events.as_mut().map(|w| w as &mut dyn Write),
            )?;
            for w in [&mut out]
                .into_iter()
                .chain(nodes.as_mut())
                .chain(events.as_mut())
            {
                w.flush()?;
            }
            let path = dir.join("truth.json");
            std::fs::write(&path, serde_json::to_string_pretty(&truth)? + "\n")
                .with_context(|| format!("{}: cannot write", path.display()))?;
        }
        None => {
            let mut out = io::BufWriter::new(crate::outfile::stdout());
            soak.write(&mut out)?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
