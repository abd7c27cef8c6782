"""The ``kpi`` command line (the contract in DESIGN.md).

Errors a consultant can act on are printed as one clear message and exit 1; nothing in
this module lets a traceback reach the terminal for bad input or a bad config.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from kpi_lib import __version__
from kpi_lib.errors import KpiError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="跨境电商KPI咨询工具包 · KPI workbook suite for cross-border e-commerce consultants.",
)


def _echo_err(text: str) -> None:
    typer.echo(text, err=True)


def _fail(error: KpiError) -> None:
    _echo_err(f"错误 / Error: {error}")
    raise typer.Exit(1)


@app.callback(invoke_without_command=True)
def _root(version: Annotated[bool, typer.Option("--version", help="版本 / Show the version.")] = False) -> None:
    if version:
        typer.echo(__version__)
        raise typer.Exit(0)


@app.command()
def demo(
    root: Annotated[Path, typer.Option(help="项目根目录 / Project root that gets client_configs/ and client_data/.")] = Path("."),
    seed: Annotated[int, typer.Option(help="随机种子 / Seed of the synthetic data.")] = 20261128,
    period: Annotated[str, typer.Option(help="复盘月份 / Month the stages report on.")] = "2026-10",
    run_stages: Annotated[bool, typer.Option("--run/--no-run", help="运行各阶段笔记本 / Run the stage notebooks.")] = True,
) -> None:
    """生成示例客户并运行 / Generate the demo client, validate and ingest it, run every stage notebook."""
    from kpi_lib.config import load_config
    from kpi_lib.demo import generate_demo
    from kpi_lib.ingest.pipeline import ingest
    from kpi_lib.ingest.quality import build_report, describe
    from kpi_lib.paths import client_outputs, ingest_cache_dir

    result = generate_demo(root.resolve(), seed=seed)
    typer.echo(f"示例数据 / demo data: {result.data_dir} ({len(result.files)} files)")
    typer.echo(f"客户配置 / client config: {result.config_path}")
    config = load_config(result.config_path)
    ingested = ingest(config, cache_dir=ingest_cache_dir(config))
    report = build_report(ingested)
    for line in describe(report, config.report_language):
        typer.echo(f"  {line}")
    out = client_outputs(config)
    out.mkdir(parents=True, exist_ok=True)
    (out / "data_quality.json").write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str),
                                           encoding="utf-8")
    typer.echo(f"数据质量报告 / data-quality report: {out / 'data_quality.json'}")
    if ingested.errors:
        for err in ingested.errors:
            _echo_err(f"  - {err}")
        raise typer.Exit(1)
    if run_stages:
        from kpi_lib.runner.run import run_stage
        from kpi_lib.runner.stages import STAGES, notebooks_dir

        failed = False
        for stage, notebook in STAGES.items():
            if not (notebooks_dir() / notebook).exists():
                continue  # stages whose notebooks have not landed yet
            outcome = run_stage(result.config_path, stage, period, force=True)
            typer.echo(f"{stage:>10}: {outcome.status} → {outcome.folder}")
            for name in outcome.outputs.values():
                typer.echo(f"            {outcome.folder / name}")
            if outcome.status == "failed":
                failed = True
                _echo_err(f"  {outcome.error}")
        if failed:
            raise typer.Exit(1)


@app.command()
def inspect(
    file: Annotated[Path, typer.Argument(help="一个导出文件 / One export file.")],
    as_json: Annotated[bool, typer.Option("--json", help="输出JSON / Print JSON.")] = False,
) -> None:
    """识别导出文件 / Say what an export is: type, encoding, language, header row, rows, market, period."""
    from kpi_lib.ingest.inspect import inspect_file

    report = inspect_file(file)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        if report.get("candidates"):
            typer.echo(f"{file}: 可能是多种报表 / ambiguous, candidates:")
            for c in report["candidates"]:
                typer.echo(f"  - {c['type']} ({c['layout']}), encoding {c['encoding']}, header row {c['header_row']}")
        else:
            for key in ("type", "layout", "encoding", "language", "header_row", "rows", "market", "period"):
                typer.echo(f"{key:>11}: {report.get(key)}")
    if report.get("type") is None and not report.get("candidates"):
        raise typer.Exit(1)


@app.command()
def validate(
    config: Annotated[Path, typer.Argument(help="客户配置YAML / Client config YAML.")],
    as_json: Annotated[bool, typer.Option("--json", help="输出JSON / Print the data-quality report as JSON.")] = False,
) -> None:
    """校验配置和所有数据源 / Validate the config and every source; print a data-quality summary."""
    from kpi_lib.config import load_config
    from kpi_lib.ingest.pipeline import ingest
    from kpi_lib.ingest.quality import build_report, describe
    from kpi_lib.paths import ingest_cache_dir

    cfg = load_config(config)
    result = ingest(cfg, cache_dir=ingest_cache_dir(cfg))
    report = build_report(result)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        typer.echo(f"配置有效 / config valid: {config} (client {cfg.client_id})")
        for line in describe(report, cfg.report_language):
            typer.echo(f"  {line}")
    if result.errors:
        _echo_err(f"{len(result.errors)} 个数据源问题 / source problem(s):")
        for err in result.errors:
            _echo_err(f"  - {err}")
        raise typer.Exit(1)


@app.command()
def ingest(
    config: Annotated[Path, typer.Argument(help="客户配置YAML / Client config YAML.")],
    export: Annotated[Optional[Path], typer.Option("--export", help="导出CSV目录 / Write one UTF-8 CSV per table here.")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="不用缓存 / Re-read every file.")] = False,
) -> None:
    """生成标准数据表 / Build the canonical tables; with --export write each as CSV (UTF-8)."""
    from kpi_lib.config import load_config
    from kpi_lib.ingest.export import export_tables
    from kpi_lib.ingest.pipeline import ingest as run_ingest
    from kpi_lib.paths import ingest_cache_dir

    cfg = load_config(config)
    result = run_ingest(cfg, cache_dir=None if no_cache else ingest_cache_dir(cfg))
    for name, frame in sorted(result.tables.items()):
        typer.echo(f"{name:>15}: {len(frame):>9,} rows")
    if export is not None:
        written = export_tables(result.tables, export)
        typer.echo(f"导出 / exported {len(written)} table(s) to {export}")
    if result.errors:
        for err in result.errors:
            _echo_err(f"  - {err}")
        raise typer.Exit(1)


@app.command()
def run(
    config: Annotated[Path, typer.Argument(help="客户配置YAML / Client config YAML.")],
    stage: Annotated[str, typer.Option(help="diagnosis | baseline | targets | pilot | retro")],
    period: Annotated[str, typer.Option(help="月份 / Month, YYYY-MM")],
    param: Annotated[Optional[list[str]], typer.Option("--param", "-p", help="笔记本参数 / Notebook parameter name=value.")] = None,
    force: Annotated[bool, typer.Option(help="覆盖已发布 / Re-run a published stage.")] = False,
    timeout: Annotated[int, typer.Option(help="每个单元格超时秒数 / Cell timeout, seconds.")] = 900,
) -> None:
    """运行一个阶段的笔记本 / Run one stage notebook for one client, export and publish it."""
    from kpi_lib.runner.run import parse_params, run_stage

    outcome = run_stage(config, stage, period, force=force, extra=parse_params(param), timeout=timeout)
    if outcome.status == "ok":
        typer.echo(f"已发布 / published: {outcome.folder}")
        for kind, name in outcome.outputs.items():
            typer.echo(f"  {kind}: {outcome.folder / name}")
    elif outcome.status == "skipped":
        typer.echo(f"跳过 / skipped: {outcome.folder} ({outcome.error})")
    else:
        _echo_err(f"失败 / failed: {outcome.error}")
        _echo_err(f"  失败的笔记本 / failed notebook kept in: {outcome.folder}")
        raise typer.Exit(1)


@app.command()
def batch(
    period: Annotated[str, typer.Option(help="月份 / Month, YYYY-MM")],
    configs: Annotated[Optional[list[Path]], typer.Argument(help="客户配置（默认 client_configs/*.yaml）/ Client configs.")] = None,
    stage: Annotated[str, typer.Option(help="阶段 / Stage")] = "retro",
    jobs: Annotated[int, typer.Option(help="并行进程数 / Parallel processes.")] = 1,
    force: Annotated[bool, typer.Option(help="覆盖已发布 / Re-run published clients.")] = False,
    timeout: Annotated[int, typer.Option(help="每个单元格超时秒数 / Cell timeout, seconds.")] = 900,
    executor: Annotated[str, typer.Option(help="local | dask")] = "local",
    scheduler: Annotated[Optional[str], typer.Option(help="Dask scheduler address")] = None,
) -> None:
    """所有客户批量运行 / Run a stage for every client in parallel; summary table; exit 1 if any failed."""
    from kpi_lib.runner.batch import default_configs, print_progress_factory, run_batch, summary_table
    from kpi_lib.runner.run import check_period

    check_period(period)
    paths = list(configs) if configs else default_configs()
    if not paths:
        _echo_err("没有客户配置 / no client configs found in client_configs/")
        raise typer.Exit(1)
    outcomes = run_batch(paths, stage=stage, period=period, jobs=jobs, force=force, timeout=timeout,
                         executor=executor, scheduler=scheduler, progress=print_progress_factory(len(paths)))
    typer.echo(summary_table(outcomes))
    if any(o["status"] == "failed" for o in outcomes):
        raise typer.Exit(1)


def _check_period(period: str) -> None:
    from kpi_lib.config.models import PERIOD_RE

    if not PERIOD_RE.match(period):
        raise KpiError("the period is not a month", key="--period", expected="YYYY-MM, e.g. 2026-10", found=period,
                       fix="pass the month as --period 2026-10")


@app.command()
def scorecard(
    config: Annotated[Path, typer.Argument(help="客户配置YAML / Client config YAML.")],
    period: Annotated[str, typer.Option(help="月份 / Month, YYYY-MM")],
    export: Annotated[Optional[Path], typer.Option("--export", help="导出目录 / Folder for scorecards.csv and summary.csv "
                                                   "(default: outputs/<client>/<period>/scorecard/).")] = None,
    basis: Annotated[str, typer.Option(help="目标基准 / Target basis: trailing | last_year")] = "trailing",
    months: Annotated[int, typer.Option(help="历史月数 / Months of the trailing mean")] = 3,
    growth: Annotated[float, typer.Option(help="增长率 / Growth applied to every target (0.1 = +10%)")] = 0.0,
) -> None:
    """月度考核表 / Scorecards for a month: writes scorecards.csv and summary.csv (UTF-8), prints a short table."""
    import pandas as pd

    from kpi_lib.engine.scorecard import build_scorecard
    from kpi_lib.paths import client_outputs
    from kpi_lib.session import open_client

    _check_period(period)
    session = open_client(config)
    result = build_scorecard(session.config, session.tables, period, basis=basis, months=months, growth=growth)
    folder = export or client_outputs(session.config) / period / "scorecard"
    folder.mkdir(parents=True, exist_ok=True)
    written = {"scorecards.csv": result.rows, "summary.csv": result.summary, "rollups.csv": result.rollups,
               "targets.csv": result.targets, "unattributed.csv": result.unattributed,
               "problems.csv": result.problems, "exemptions.csv": result.exemptions}
    for name, frame in written.items():
        frame.to_csv(folder / name, index=False, encoding="utf-8")
    typer.echo(f"{session.config.client_id} {period}: {len(result.summary)} 人 / people, {len(result.rows)} 行 / rows")
    typer.echo(f"{'工号':<6} {'姓名':<8} {'岗位':<17} {'市场':<6} {'总分':>7} {'评级':>4} {'奖金':>10}")
    for r in result.summary.itertuples(index=False):
        total = "—" if pd.isna(r.total_score) else f"{r.total_score:.1f}"
        bonus = "—" if pd.isna(r.bonus) else f"{r.bonus:,.0f}"
        rating = "—" if r.rating is None or pd.isna(r.rating) else str(r.rating)
        typer.echo(f"{r.person_id:<6} {str(r.name):<8} {str(r.role):<17} {str(r.market):<6} {total:>7} "
                   f"{rating:>4} {bonus:>10} {r.currency}")
    if len(result.problems):
        typer.echo(f"数据问题 / data problems: {len(result.problems)} (see problems.csv)")
        for msg in result.problems["message"].head(5):
            typer.echo(f"  - {msg}")
    typer.echo(f"导出 / written: {folder / 'scorecards.csv'}, {folder / 'summary.csv'}")


@app.command()
def explain(
    config: Annotated[Path, typer.Argument(help="客户配置YAML / Client config YAML.")],
    period: Annotated[str, typer.Option(help="月份 / Month, YYYY-MM")],
    person: Annotated[str, typer.Option(help="工号 / Employee ID")],
    metric: Annotated[str, typer.Option(help="指标ID / Metric id, e.g. gmv")],
    market: Annotated[Optional[str], typer.Option(help="市场 / Only this market")] = None,
    basis: Annotated[str, typer.Option(help="目标基准 / Target basis: trailing | last_year")] = "trailing",
    months: Annotated[int, typer.Option(help="历史月数 / Months of the trailing mean")] = 3,
    growth: Annotated[float, typer.Option(help="增长率 / Growth applied to every target")] = 0.0,
) -> None:
    """指标溯源 / Explain one person's metric: formula, inputs, source files, FX, target and exemptions."""
    from kpi_lib.engine.lineage import check_metric, explain as run_explain
    from kpi_lib.engine.scorecard import build_scorecard
    from kpi_lib.session import open_client

    _check_period(period)
    check_metric(metric)
    session = open_client(config)
    result = build_scorecard(session.config, session.tables, period, basis=basis, months=months, growth=growth)
    typer.echo(run_explain(result, person, metric, market=market, tables=session.tables).text())


def main() -> None:
    """Console entry point: KpiErrors become one clear message and exit code 1."""
    import signal

    # SIGTERM (a killed batch) unwinds like Ctrl-C, so runs clean up their temporary folders.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        code = app(standalone_mode=False)
    except KpiError as exc:
        _echo_err(f"错误 / Error: {exc}")
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        _echo_err("Aborted.")
        sys.exit(130)
    except KeyboardInterrupt:
        _echo_err("Interrupted.")
        sys.exit(130)
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    if code == 130:  # click turns Ctrl-C / SIGTERM into exit code 130 before we see it
        _echo_err("已中断 / Interrupted: nothing half-written was published; run the command again to finish.")
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
