# One image for every process; docker-compose.yml picks the module with `command`. The `devtools` stage adds the
# local mail and SMS sinks (devstack/), which the production image does not carry.
FROM python:3.11-slim AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml ./
COPY shared ./shared
COPY services ./services
COPY gateway ./gateway
RUN pip install . \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin app

USER app
ENV HOST=0.0.0.0
EXPOSE 8000
CMD ["python", "-m", "gateway"]

FROM app AS devtools
# `python -m devstack.sinks` runs from /app, where devstack/ sits beside the installed project.
COPY --chown=app devstack ./devstack
