# The MLflow tracking server of deploy/compose.yaml: the official image plus the PostgreSQL driver it lacks.
FROM ghcr.io/mlflow/mlflow:v3.17.2
RUN pip install --no-cache-dir psycopg2-binary==2.9.13
