"""The baseline for bench/api_load.py: a bare FastAPI endpoint returning a constant,
served by the same uvicorn settings as `rekg serve`.

``/constant`` is a plain ``def`` (FastAPI runs it in a worker thread): the baseline the issue-9
and issue-18 ratios are measured against. ``/constant-async`` is the same as ``async def`` (no
worker thread), printed beside it so a reader can see what a thread hop costs."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/constant")
def constant() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/constant-async")
async def constant_async() -> dict[str, str]:
    return {"status": "ok"}
