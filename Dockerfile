# Deltagerbot as a container: python -m bot run, as a user without privileges.
#
#   docker build -t deltagerbot .
#   docker run -p 8080:8080 -v ./knowledge:/knowledge -v deltagerbot-data:/data \
#     -e BOT_WEB_PUBLIC_URL=https://chat.example.dk deltagerbot
#
# The knowledge folder and the data folder (SQLite, the web chat's key, drafts) are volumes;
# with PostgreSQL (compose.yaml) the data folder holds only the key and the desk's drafts.
# Settings are BOT_ variables (ops/deltagerbot.example.toml explains each).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BOT_DATA_DIR=/data \
    BOT_KNOWLEDGE_DIR=/knowledge \
    BOT_WEB_HOST=0.0.0.0 \
    BOT_WEB_PORT=8080 \
    BOT_LOG_FORMAT=json

# The code stays in /app (the catalogues in /app/locales are read from beside the package).
WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY locales ./locales
RUN pip install -e . \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin deltagerbot \
    && mkdir -p /data /knowledge \
    && chown deltagerbot:deltagerbot /data /knowledge
# The project's own example events, for a first start; mount the secretariat's folder instead.
COPY --chown=deltagerbot:deltagerbot knowledge /knowledge

USER deltagerbot
VOLUME ["/data", "/knowledge"]
EXPOSE 8080
# /healthz answers while the process runs; /readyz tells whether every part is reachable.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "run"]
