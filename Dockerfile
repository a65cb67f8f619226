# claim-risk serving image: the API over the committed model, nothing else.
#   docker build -t claim-risk .
#   docker run -p 8000:8000 claim-risk
# Where no registry is reachable, build FROM a local base: --build-arg BASE_IMAGE=local/python:3.11-slim
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# Dependencies first, in their own layer: code and model changes do not reinstall them.
COPY requirements/serve.lock /tmp/serve.lock
RUN python -m venv /opt/venv \
    && pip install -r /tmp/serve.lock \
    && rm /tmp/serve.lock \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin claimrisk

WORKDIR /srv
COPY app/ app/
COPY model/ model/

# Configuration is by environment: CLAIM_RISK_* for the service (see README), UVICORN_* and
# WEB_CONCURRENCY for the server. No secrets are baked in: pass CLAIM_RISK_API_KEYS at run time.
ENV CLAIM_RISK_MODEL_DIR=/srv/model \
    UVICORN_HOST=0.0.0.0 \
    UVICORN_PORT=8000 \
    WEB_CONCURRENCY=1

USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('UVICORN_PORT', '8000'), timeout=2)"]
# app.serve is uvicorn with its own flags and UVICORN_* variables, but exits 0 after a graceful SIGTERM.
CMD ["python", "-m", "app.serve", "--no-access-log", "--timeout-graceful-shutdown", "20"]
