"""`schema`: print the JSON Schema of scenario files."""

from __future__ import annotations

import json

import typer

app = typer.Typer()


def schema_text() -> str:
    """The JSON Schema of scenario files, as shipped in scenarios/scenario.schema.json."""
    from sim.scenario import Scenario

    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Trilateral crisis scenario"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editors and validators)."""
    typer.echo(schema_text(), nl=False)
