"""The JSON API's contract: its OpenAPI document keeps its paths, operations and shapes
(tests/openapi.json). Descriptions may be reworded; anything else that changes here changes
what programs that use the API can rely on, and is updated on purpose."""

import json
from pathlib import Path

PUBLISHED = Path(__file__).with_name("openapi.json")


def shape(document):
    """The document without its prose."""
    if isinstance(document, dict):
        return {k: shape(v) for k, v in document.items() if k != "description"}
    if isinstance(document, list):
        return [shape(v) for v in document]
    return document


def test_the_api_keeps_the_contract_it_published(client):
    served = client.get("/api/openapi.json").json()
    assert shape(served) == shape(json.loads(PUBLISHED.read_text()))
