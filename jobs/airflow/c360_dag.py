"""Example Airflow DAG: the c360 pipeline, bronze >> silver >> gold, once a day through spark-submit.

Each task runs one of the jobs/ wrappers (jobs/bronze.sh, silver.sh, gold.sh), which call spark-submit with
the shaded jar target/c360-spark-submit.jar. Copy this file into Airflow's dags folder and set, as Airflow
Variables (Admin > Variables) or by editing the defaults below:

    c360_home          where c360 is installed on the Airflow worker (holds jobs/ and the jar)
    c360_config        the run configuration; it and its bronze/, silver/, gold/ folders are read by the driver
    c360_spark_home    the Spark 3.5 (Scala 2.12) installation whose bin/spark-submit the wrappers run
    c360_spark_master  spark://host:7077, yarn or k8s://https://host:6443
    c360_submit_args   more spark-submit options, e.g. "--executor-memory 4g --num-executors 4"

The lake and the landing folder must be storage every executor can reach (s3a://, hdfs://, or a shared
mount), since executors read and write them directly. Tasks run spark-submit in client mode, so the driver
runs on the Airflow worker and the task's exit code is the pipeline's (0 succeeded, 1 failed, 2 usage).

`--as-of {{ ds }}` measures gold's "recent" and "last 30 days" at the end of the run's logical day, so
a rerun or a backfill of a day computes what that day would have shown. Bronze only takes files not yet
ingested and every stage is safe to repeat, so retries are harmless.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow import DAG

try:  # Airflow 3: the standard provider
    from airflow.providers.standard.operators.bash import BashOperator
except ImportError:  # Airflow 2.x
    from airflow.operators.bash import BashOperator

# Read when a task runs (Jinja), not when the scheduler parses the file.
C360_HOME = "{{ var.value.get('c360_home', '/opt/c360') }}"
ENV = {
    "SPARK_HOME": "{{ var.value.get('c360_spark_home', '/opt/spark') }}",
    "SPARK_MASTER": "{{ var.value.get('c360_spark_master', 'yarn') }}",
    "SPARK_DEPLOY_MODE": "client",
    "C360_CONFIG": "{{ var.value.get('c360_config', '/opt/c360/conf/c360.yaml') }}",
    "C360_SUBMIT_ARGS": "{{ var.value.get('c360_submit_args', '') }}",
}


def stage(task_id: str, script: str) -> BashOperator:
    """One pipeline stage. The command must not end in '.sh': Airflow would load it as a template file."""
    return BashOperator(
        task_id=task_id,
        bash_command=f"{C360_HOME}/jobs/{script} --as-of {{{{ ds }}}}",
        env=ENV,
        append_env=True,  # keep PATH, JAVA_HOME, HADOOP_CONF_DIR, ... of the worker
    )


with DAG(
    dag_id="c360",
    description="Customer 360: bronze (contracts) >> silver (identity resolution) >> gold (quality-gated publication)",
    schedule="0 3 * * *",  # after the nightly extracts have landed
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    # One writer per lake: Delta's default S3 log store is safe for a single writer only, and silver
    # assigns customer ids from the previous run's, so runs must not overlap.
    max_active_runs=1,
    default_args={
        "owner": "data-platform",
        "retries": 1,
        "retry_delay": timedelta(minutes=10),
        "execution_timeout": timedelta(hours=3),
    },
    tags=["c360", "spark", "delta"],
) as dag:
    bronze = stage("bronze", "bronze.sh")
    silver = stage("silver", "silver.sh")
    gold = stage("gold", "gold.sh")

    bronze >> silver >> gold
