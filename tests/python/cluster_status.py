"""The session server's application on the standalone cluster, from its REST status endpoints."""

from __future__ import annotations

import json
import urllib.request

from customer_segmentation.sparkserver import cluster


def _json(url: str):
    """The JSON document at url."""
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.load(answer)


def application(server) -> dict:
    """The server's application as the master lists it."""
    master = cluster.master_state(server.settings)
    (app,) = [a for a in master["activeapps"] if a["name"] == "customer_segmentation_server"]
    return app


def executors(server) -> dict[str, dict]:
    """The server application's executors (and its driver) by id, from its REST API."""
    app = application(server)
    url = f"http://127.0.0.1:{server.settings.ui_port}/api/v1/applications/{app['id']}/executors"
    return {entry["id"]: entry for entry in _json(url)}
