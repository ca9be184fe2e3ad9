"""The baseline for bench/api_load.py: a bare FastAPI endpoint returning a constant,
served by the same uvicorn settings as `rekg serve`."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/constant")
def constant() -> dict[str, str]:
    return {"status": "ok"}
