# Stage 1: Base image with Python 3.12
FROM python:3.12-slim AS base

# Set environment variables
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UV_LINK_MODE=copy

# Set working directory
WORKDIR /app

# Install system dependencies and uv
# bench: no inline comment after `curl \` (it breaks the RUN); uv from the stand-in image below instead of the install script.
RUN apt-get update && \
    apt-get install -y --no-install-recommends \
    gcc \
    python3-dev \
    postgresql-client \
    curl \
    && rm -rf /var/lib/apt/lists/*

# bench: replaces `curl -LsSf https://astral.sh/uv/install.sh | sh` (astral.sh cannot be reached here).
COPY --from=ghcr.io/astral-sh/uv:0.9.5 /uv /uvx /bin/

# Stage 2: Dependencies (bench: not shown in the task; the usual layout)
FROM base AS dependencies

# Copy dependency manifests
COPY pyproject.toml uv.lock ./

# Install production dependencies
RUN uv sync --frozen --no-dev --no-install-project

# Stage 3: Development (bench: not shown in the task; the usual layout)
FROM dependencies AS development

# Install development dependencies
RUN uv sync --frozen --no-install-project

# Copy application code
COPY . .

# Run with auto-reload
CMD ["uv", "run", "uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000", "--reload"]

# Stage 4: Production image
FROM dependencies AS production

# OCI Labels for container metadata
LABEL org.opencontainers.image.title="Full-stack template Backend"
LABEL org.opencontainers.image.description="FastAPI backend service"
LABEL org.opencontainers.image.vendor="projen-containers"
LABEL org.opencontainers.image.licenses="MIT"

# Create non-root user
RUN useradd -m -u 1000 appuser && \
    chown -R appuser:appuser /app

# Copy application code
COPY --chown=appuser:appuser . .

# Switch to non-root user
USER appuser

# Expose port
EXPOSE 8000

# Health check - verify application responds
HEALTHCHECK --interval=30s --timeout=10s --start-period=10s --retries=3 \
    CMD curl -f http://localhost:8000/api/v1/health || exit 1

# Run with production settings
CMD ["uv", "run", "uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000", "--workers", "4"]
