"""The ending every benchmark script shares: a figure per line, and the same as JSON."""
import json


def report(figures, json_path=None):
    """Print `figures` (name -> number or text), and write them to `json_path` if given."""
    for key, value in figures.items():
        print(f"{key:36s} {value:10.4g}" if isinstance(value, float) else f"{key:36s} {value}")
    if json_path:
        with open(json_path, "w") as f:
            json.dump(figures, f, indent=1)
