"""FastAPI application: `uvicorn app.main:app`."""

from fastapi import FastAPI

from app.api.routers import health

app = FastAPI(title="backend")
app.include_router(health.router, prefix="/api/v1")
