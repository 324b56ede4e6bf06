"""Recommendations API: liveness, readiness and the recommendations of a product."""
from fastapi import FastAPI

app = FastAPI()


@app.get("/api/v1/health")
def health() -> dict:
    return {"status": "healthy"}


@app.get("/api/v1/health/ready")
def ready() -> dict:
    return {"status": "ready"}


@app.get("/api/v1/recommendations/{product_id}")
def recommendations(product_id: int) -> list:
    return [product_id + 1, product_id + 2]
