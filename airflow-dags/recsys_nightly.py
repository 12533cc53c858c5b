"""recsys nightly: the whole pipeline for the day that just ended, each step a spark-submit through ./recsys."""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.models import Variable
from airflow.operators.bash import BashOperator

import recsys_dag_spec as spec

SPEC = spec.nightly(overlay=Variable.get("recsys_conf", default_var="cluster"))
SPARK_ARGS = tuple(Variable.get("recsys_spark_args", default_var="--master yarn --deploy-mode client").split())

with DAG(
    dag_id="recsys_nightly",
    description=SPEC.description,
    schedule=SPEC.schedule,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=SPEC.max_active_runs,
    tags=["recsys"],
) as dag:
    operators = {
        t.task_id: BashOperator(
            task_id=t.task_id,
            bash_command=spec.bash_command(t, spark_args=SPARK_ARGS),
            retries=t.retries,
            retry_delay=timedelta(minutes=t.retry_delay_minutes),
            sla=timedelta(minutes=t.sla_minutes),
        )
        for t in SPEC.tasks
    }
    for t in SPEC.tasks:
        for upstream in t.upstream:
            operators[upstream] >> operators[t.task_id]
