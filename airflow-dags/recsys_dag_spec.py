"""The recsys DAGs as plain data, and the ./recsys command lines their tasks run.

Airflow is not imported here, so the graph, the schedules and the commands can be tested with the standard
library alone; the DAG files only translate this into operators.
"""
from __future__ import annotations

import os
import shlex
from dataclasses import dataclass

# Airflow renders these per run. A run covers the data up to the start of the day after its logical date, which
# is what the jobs' --run-date means ("data up to the start of that day, UTC").
RUN_DATE = "{{ data_interval_end | ds }}"
LANDING_BATCH = "{{ ds }}"

RECSYS_HOME = os.environ.get("RECSYS_HOME", "/opt/recsys")


@dataclass(frozen=True)
class Task:
    """One task: a ./recsys subcommand with its job arguments, and the tasks that must finish first."""

    task_id: str
    command: str
    args: tuple[str, ...]
    upstream: tuple[str, ...] = ()
    retries: int = 2
    retry_delay_minutes: int = 10
    sla_minutes: int = 180


@dataclass(frozen=True)
class DagSpec:
    dag_id: str
    schedule: str
    description: str
    tasks: tuple[Task, ...]
    max_active_runs: int = 1

    def task(self, task_id: str) -> Task:
        for t in self.tasks:
            if t.task_id == task_id:
                return t
        raise KeyError(f"no task {task_id!r} in {self.dag_id}; tasks: {[t.task_id for t in self.tasks]}")


def nightly(overlay: str = "cluster") -> DagSpec:
    """The nightly full run: every step of the pipeline for the day that just ended, one after the other."""
    run = ("--conf", overlay, "--run-date", RUN_DATE)
    steps = [
        Task("ingest", "ingest", run + ("--batch", LANDING_BATCH)),
        Task("validate", "validate", run, ("ingest",)),
        Task("split", "split", run, ("validate",)),
        Task("features", "features", run, ("split",)),
        Task("train", "train", run, ("features",), sla_minutes=240),
        Task("evaluate", "evaluate", run, ("train",)),
        Task("export", "export", run, ("evaluate",)),
    ]
    return DagSpec(
        dag_id="recsys_nightly",
        schedule="0 2 * * *",
        description="ingest -> validate -> split -> features -> train -> evaluate and gate -> export and publish",
        tasks=tuple(steps),
    )


# The refresh slice ends where its data interval does, to the minute, in UTC: "2026-12-03T09:15Z".
SLICE_END = "{{ data_interval_end.strftime('%Y-%m-%dT%H:%MZ') }}"


def refresh(overlay: str = "cluster") -> DagSpec:
    """The 15-minute refresh: one job ingesting the slice's landing batches (exactly once), validating them,
    updating the touched users' and items' features, embedding and indexing new items and publishing an
    incremental bundle. One task: its steps share the slice's rows in one Spark application, and every step is
    idempotent, so a retry redoes the whole slice safely."""
    task = Task("refresh", "refresh", ("--conf", overlay, "--slice-end", SLICE_END),
                retries=3, retry_delay_minutes=2, sla_minutes=10)
    return DagSpec(
        dag_id="recsys_refresh",
        schedule="*/15 * * * *",
        description="ingest the last 15 minutes (MERGE on event id) -> validate -> touched features -> new items "
                    "embedded and indexed -> incremental bundle",
        tasks=(task,),
    )


def command(task: Task, launcher: str | None = None, spark_args: tuple[str, ...] = ()) -> list[str]:
    """The argv of a task: the launcher, spark-submit options, the subcommand, then the job's arguments."""
    launcher = launcher or os.path.join(RECSYS_HOME, "recsys")
    return [launcher, *spark_args, task.command, *task.args]


def bash_command(task: Task, launcher: str | None = None, spark_args: tuple[str, ...] = ()) -> str:
    """The same command as one shell line, for a BashOperator."""
    return " ".join(shlex.quote(a) if "{{" not in a else f'"{a}"' for a in command(task, launcher, spark_args))
