#!/usr/bin/env python3
"""Renders templates with the real Jinja2 in dbt's configuration, as an oracle for bmp's engine.

Reads a JSON list of {"template": str, "context": dict} on stdin; writes a JSON list of
{"ok": output} or {"error": "ExceptionName: message"} on stdout. The environment is dbt's for SQL
templates: the `do` and `loopcontrols` extensions, no autoescape, Jinja2's default Undefined.
Used by tests/integration/jinja2-oracle.test.ts, which skips when Jinja2 is not installed.
"""
import json
import sys

import jinja2

env = jinja2.Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"], autoescape=False)
results = []
for case in json.load(sys.stdin):
    try:
        results.append({"ok": env.from_string(case["template"]).render(**(case.get("context") or {}))})
    except Exception as err:  # the oracle reports what Jinja2 raised; the test decides
        results.append({"error": f"{type(err).__name__}: {err}"[:200]})
json.dump({"version": jinja2.__version__, "results": results}, sys.stdout)
