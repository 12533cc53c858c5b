"""The launcher the DAGs run (./recsys) with SPARK_HOME set: what it hands to that installation's spark-submit."""

import os
import subprocess
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP_JARS = list((ROOT / "pipelines" / "target").glob("recsys-pipelines-*-app.jar"))

# The project's log4j2 configuration, which a driver on this machine gets unless the caller names one.
LOG_CONFIG = " -Dlog4j2.configurationFile=" + str(ROOT / "conf" / "log4j2.properties")

# A spark-submit that prints its arguments, one per line, and stops.
FAKE_SUBMIT = "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\"\n"


@unittest.skipUnless(APP_JARS, "the pipelines app jar is not built (./mvnw package)")
class SparkHomeTest(unittest.TestCase):

    def submitted(self, *spark_args):
        with tempfile.TemporaryDirectory() as home:
            submit = Path(home) / "bin" / "spark-submit"
            submit.parent.mkdir()
            submit.write_text(FAKE_SUBMIT)
            submit.chmod(0o755)
            env = dict(os.environ, SPARK_HOME=home, RECSYS_DRY_RUN="true")
            argv = [str(ROOT / "recsys"), "--master", "spark://master:7077", *spark_args,
                    "validate", "--conf", "local", "--run-date", "2026-11-22"]
            done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
            self.assertEqual(0, done.returncode, done.stderr)
            return done.stdout.splitlines()

    @staticmethod
    def conf(args, key):
        values = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--conf" and args[i + 1].startswith(key + "=")]
        return values

    def test_driver_and_executors_load_djl_offline_and_the_dry_run_reaches_the_job(self):
        args = self.submitted()
        self.assertEqual(["spark.executor.extraJavaOptions=-Dai.djl.offline=true"],
                         self.conf(args, "spark.executor.extraJavaOptions"))
        self.assertEqual(["spark.driver.extraJavaOptions=-Dai.djl.offline=true -Drecsys.dryRun=true"
                          + LOG_CONFIG], self.conf(args, "spark.driver.extraJavaOptions"))
        self.assertEqual("dev.recsys.pipelines.validate.ValidateEventsJob", args[args.index("--class") + 1])
        self.assertEqual(["--conf", "local", "--run-date", "2026-11-22"], args[-4:], "job options come last")

    def test_the_callers_java_options_are_kept(self):
        args = self.submitted("--conf", "spark.executor.extraJavaOptions=-Dmine=1",
                              "--driver-java-options", "-Dalso=2")
        self.assertEqual(["spark.executor.extraJavaOptions=-Dmine=1 -Dai.djl.offline=true"],
                         self.conf(args, "spark.executor.extraJavaOptions"))
        self.assertEqual("-Dalso=2 -Dai.djl.offline=true -Drecsys.dryRun=true" + LOG_CONFIG,
                         args[args.index("--driver-java-options") + 1])
        self.assertEqual([], self.conf(args, "spark.driver.extraJavaOptions"),
                         "--driver-java-options would override the conf")

    def test_the_callers_log_configuration_and_a_cluster_mode_driver_keep_theirs(self):
        args = self.submitted("--driver-java-options", "-Dlog4j2.configurationFile=/etc/mine.properties")
        self.assertEqual("-Dlog4j2.configurationFile=/etc/mine.properties -Dai.djl.offline=true -Drecsys.dryRun=true",
                         args[args.index("--driver-java-options") + 1])
        args = self.submitted("--deploy-mode", "cluster")
        self.assertEqual(["spark.driver.extraJavaOptions=-Dai.djl.offline=true -Drecsys.dryRun=true"],
                         self.conf(args, "spark.driver.extraJavaOptions"), "the path is this machine's")


if __name__ == "__main__":
    unittest.main()
