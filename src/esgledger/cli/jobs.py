"""``esgledger jobs work``: build queued reports outside the web server."""

from __future__ import annotations

from typing import Annotated

import typer

from esgledger.cli.app import app, console, open_context, state

__all__ = ["jobs_app"]

jobs_app = typer.Typer(
    name="jobs",
    help="Background jobs: build the report builds queued in the portal.",
    no_args_is_help=True,
)
app.add_typer(jobs_app, name="jobs")


@jobs_app.command("work")
def work_cmd(
    once: Annotated[
        bool, typer.Option("--once", help="Build what is queued now, then stop.")
    ] = False,
    poll: Annotated[
        float, typer.Option("--poll", min=0.1, help="Seconds between looks at an empty queue.")
    ] = 2.0,
) -> None:
    """Claim and build queued report builds (each job runs on exactly one worker)."""
    from esgledger.services import report_jobs

    data_dir = state.settings.data_dir
    with open_context() as ctx:
        if not once:
            worker = report_jobs.Worker(ctx.ledger, data_dir, poll=poll)
            console.print(f"worker {worker.name}: waiting for report builds (Ctrl-C stops)")
            try:
                worker.run_forever()
            except KeyboardInterrupt:
                worker.stop()
            return
        name = report_jobs.worker_name()
        n = 0
        while (job := report_jobs.run_next(ctx.ledger, worker=name, data_dir=data_dir)) is not None:
            n += 1
            console.print(f"build {job.id}: {job.state}" + (f" — {job.error}" if job.error else ""))
        console.print(f"{n} build(s) run")
