"""The JSON API's contract: its OpenAPI document keeps its paths, operations and shapes
(tests/openapi.json). Descriptions may be reworded; anything else that changes here changes
what programs that use the API can rely on, and is updated on purpose."""

import json
from pathlib import Path

from guide.api.routes import api

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


def test_the_document_is_made_once_for_each_language_and_kept(client, monkeypatch):
    from ninja import main

    made = []
    real = main.get_schema
    monkeypatch.setattr(main, "get_schema", lambda **kw: made.append(kw) or real(**kw))
    api._documents.clear()
    english = [client.get("/api/openapi.json").content for _ in range(3)]
    spanish = [client.get("/api/openapi.json", HTTP_ACCEPT_LANGUAGE="es").content for _ in range(3)]
    assert len(made) == 2
    assert len(set(english)) == 1 and len(set(spanish)) == 1
    assert english[0] != spanish[0]  # each in its own language
