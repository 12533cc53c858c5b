"""DAG checks with the standard library only (Airflow cannot be installed on the build machines)."""
import ast
import os
import py_compile
import subprocess
import sys
import unittest
from pathlib import Path

DAGS = Path(__file__).resolve().parents[1]
ROOT = DAGS.parent
sys.path.insert(0, str(DAGS))

import recsys_dag_spec as spec  # noqa: E402

DAG_FILES = sorted(p for p in DAGS.glob("recsys_*.py") if p.name != "recsys_dag_spec.py")


def dag_kwargs(path: Path) -> dict:
    """The keyword arguments of the DAG(...) call in a DAG file, as literal values where they are literals."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "DAG":
            out = {}
            for kw in node.keywords:
                try:
                    out[kw.arg] = ast.literal_eval(kw.value)
                except ValueError:
                    out[kw.arg] = ast.unparse(kw.value)
            return out
    raise AssertionError(f"{path.name} defines no DAG(...)")


class DagFileTest(unittest.TestCase):
    def test_every_dag_file_compiles(self):
        self.assertTrue(DAG_FILES, "no DAG files found")
        for path in DAG_FILES:
            py_compile.compile(str(path), doraise=True)

    def test_dag_id_is_the_file_name_and_no_catchup(self):
        for path in DAG_FILES:
            kw = dag_kwargs(path)
            self.assertEqual(path.stem, kw["dag_id"], path.name)
            self.assertIs(False, kw["catchup"], path.name)


class NightlyTest(unittest.TestCase):
    def setUp(self):
        self.dag = spec.nightly()

    def test_runs_every_step_in_order(self):
        order = ["ingest", "validate", "split", "features", "train", "evaluate", "export"]
        self.assertEqual(order, [t.task_id for t in self.dag.tasks])
        for before, after in zip(order, order[1:]):
            self.assertEqual((before,), self.dag.task(after).upstream)
        self.assertEqual((), self.dag.task("ingest").upstream)

    def test_schedule_and_one_run_at_a_time(self):
        self.assertEqual("0 2 * * *", self.dag.schedule)
        self.assertEqual(1, self.dag.max_active_runs)

    def test_every_task_takes_the_run_date_from_the_interval_end(self):
        for t in self.dag.tasks:
            self.assertIn("--run-date", t.args)
            self.assertEqual(spec.RUN_DATE, t.args[t.args.index("--run-date") + 1])
            self.assertGreater(t.retries, 0)

    def test_command_puts_spark_options_before_the_subcommand(self):
        argv = spec.command(self.dag.task("validate"), launcher="./recsys", spark_args=("--master", "yarn"))
        self.assertEqual(["./recsys", "--master", "yarn", "validate", "--conf", "cluster", "--run-date"], argv[:7])


class RefreshTest(unittest.TestCase):
    def setUp(self):
        self.dag = spec.refresh()

    def test_every_fifteen_minutes_one_run_at_a_time(self):
        self.assertEqual("*/15 * * * *", self.dag.schedule)
        self.assertEqual(1, self.dag.max_active_runs, "slices are refreshed in order, never two at once")

    def test_one_retried_task_ending_at_the_interval_end(self):
        self.assertEqual(["refresh"], [t.task_id for t in self.dag.tasks])
        t = self.dag.task("refresh")
        self.assertGreater(t.retries, 0, "a failed slice is retried: the job is idempotent")
        self.assertEqual(spec.SLICE_END, t.args[t.args.index("--slice-end") + 1])
        self.assertLessEqual(t.sla_minutes, 15)

    def test_refresh_dag_file_times_out_within_its_interval(self):
        kw = dag_kwargs(DAGS / "recsys_refresh.py")
        self.assertEqual("timedelta(minutes=15)", kw["dagrun_timeout"])


APP_JARS = list((ROOT / "pipelines" / "target").glob("recsys-pipelines-*-app.jar"))


@unittest.skipUnless(APP_JARS, "the pipelines app jar is not built (./mvnw package)")
class CommandsRunTest(unittest.TestCase):
    """Runs each generated command through the real launcher in dry-run mode: the job must exist and accept it."""

    def test_every_nightly_command_is_accepted_by_its_job(self):
        dag = spec.nightly(overlay="local")
        env = dict(os.environ, RECSYS_DRY_RUN="true")
        for t in dag.tasks:
            argv = [a.replace(spec.RUN_DATE, "2026-11-22").replace(spec.LANDING_BATCH, "2026-11-21")
                    for a in spec.command(t, launcher=str(ROOT / "recsys"))]
            with self.subTest(task=t.task_id):
                done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
                self.assertEqual(0, done.returncode, f"{argv}\n{done.stdout}\n{done.stderr}")
                self.assertIn("dry run: arguments and config are valid", done.stdout)

    def test_the_refresh_command_is_accepted_by_its_job(self):
        t = spec.refresh(overlay="local").task("refresh")
        argv = [a.replace(spec.SLICE_END, "2026-12-03T09:15Z") for a in spec.command(t, launcher=str(ROOT / "recsys"))]
        env = dict(os.environ, RECSYS_DRY_RUN="true")
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        self.assertEqual(0, done.returncode, f"{argv}\n{done.stdout}\n{done.stderr}")
        self.assertIn("dry run: arguments and config are valid", done.stdout)


if __name__ == "__main__":
    unittest.main()
