"""``cupola check``: report problems in an app's configuration before it serves anyone.

Without ``--deploy`` it checks that the app builds and that its migrations are applied;
with ``--deploy`` it adds the production checks of :mod:`cupola.checks` (``DEBUG``,
``SECRET_KEY``, ``ALLOWED_HOSTS``, cookies, HSTS, per-process state for ``--workers``).
The exit status is 1 when any finding is an error.
"""

from __future__ import annotations

import os

import click

from cupola.checks import Finding, has_errors, run_checks
from cupola.cli.discovery import app_option, load_app

__all__ = ["check_command", "report"]


@click.command("check")
@app_option
@click.option("--deploy", is_flag=True, help="Add the checks for a production deployment.")
@click.option(
    "--workers",
    type=click.IntRange(1),
    default=None,
    help="Worker processes the app will run in (default: 1, or the CPU count with --deploy).",
)
def check_command(app_spec: str | None, deploy: bool, workers: int | None) -> None:
    """Check the app's configuration (exit status 1 on any error)."""
    app = load_app(app_spec)
    if workers is None:
        workers = (os.cpu_count() or 1) if deploy else 1
    findings = run_checks(app, deploy=deploy, workers=workers)
    report(findings)
    if has_errors(findings):
        raise SystemExit(1)


def report(findings: list[Finding]) -> None:
    """Print each finding, then a one-line summary, on standard error."""
    for finding in findings:
        click.echo(str(finding), err=True)
    errors = sum(finding.level == "error" for finding in findings)
    warnings = len(findings) - errors
    if findings:
        click.echo(f"System check found {errors} error(s) and {warnings} warning(s).", err=True)
    else:
        click.echo("System check found no issues.", err=True)
