"""recsys refresh: every 15 minutes, the landing batches of the slice that just ended into an incremental bundle."""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.models import Variable
from airflow.operators.bash import BashOperator

import recsys_dag_spec as spec

SPEC = spec.refresh(overlay=Variable.get("recsys_conf", default_var="cluster"))
SPARK_ARGS = tuple(Variable.get("recsys_spark_args", default_var="--master yarn --deploy-mode client").split())

with DAG(
    dag_id="recsys_refresh",
    description=SPEC.description,
    schedule=SPEC.schedule,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=SPEC.max_active_runs,
    dagrun_timeout=timedelta(minutes=15),
    tags=["recsys"],
) as dag:
    for t in SPEC.tasks:
        BashOperator(
            task_id=t.task_id,
            bash_command=spec.bash_command(t, spark_args=SPARK_ARGS),
            retries=t.retries,
            retry_delay=timedelta(minutes=t.retry_delay_minutes),
            sla=timedelta(minutes=t.sla_minutes),
        )
