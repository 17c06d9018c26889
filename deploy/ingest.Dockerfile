# The image of the ingestion RayJob's head and workers (deploy/k8s/rayjob-ingest.yaml): Ray, the pinned stack
# and the package, from the checkout.
#   docker build -f deploy/ingest.Dockerfile -t recruta-ingest:latest .
FROM rayproject/ray:2.60.0-py311-cpu
WORKDIR /home/ray/recruta
COPY --chown=ray:users requirements.txt ./
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu \
 && pip install --no-cache-dir -r requirements.txt
COPY --chown=ray:users ingestion.py model.py ./
COPY --chown=ray:users recruta ./recruta
# Ray workers on every node import recruta.ingest.distributed by name; models come from the packages, offline.
ENV PYTHONPATH=/home/ray/recruta \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False MLFLOW_DISABLE_TELEMETRY=true \
    RECRUTA_HOME=/home/ray/recruta-state
