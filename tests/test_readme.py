"""Every API name the README lists exists in tf0 (or tf0.nn for the tf.nn line)."""
import pathlib
import re

import tf0 as tf

MISSING = object()
README = pathlib.Path(__file__).resolve().parent.parent / "README.md"


def test_readme_api_names_exist():
    text = README.read_text().split("<!-- api-names")[1].split("Tensor operators")[0]
    missing = []
    for line in re.split(r"\n- ", text):
        module = tf.nn if line.startswith("`tf.nn`") else tf
        if line.startswith("`tf.data`"):
            line = line.split("—")[0]  # the dataset methods after the dash are not tf names
        for block in re.findall(r"`([^`]+)`", line):
            for name in block.split():
                target = tf if name.startswith("tf.") else module
                for part in name.removeprefix("tf.").split("."):
                    target = getattr(target, part, MISSING)
                if target is MISSING:
                    missing.append(name)
    assert not missing, f"README lists names tf0 lacks: {missing}"


def test_readme_example_runs():
    code = README.read_text().split("```python\n")[1].split("```")[0]
    scope = {}
    exec(compile(code, str(README), "exec"), scope)
    assert scope["grad_w1_val"].shape == (1000, 100) and scope["loss_val"] > 0
