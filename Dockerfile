# One image for every process; docker-compose.yml picks the module with `command`.
FROM python:3.11-slim

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
