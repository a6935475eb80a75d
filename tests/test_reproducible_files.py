"""Issue 7: the same scenario and seed give byte-identical results files on every backend,
and the files carry their provenance."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _files(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_replicate_files_identical_on_serial_processes_and_dask(tmp_path):
    outs = {}
    for backend in ("serial", "processes", "dask"):
        out = tmp_path / backend
        proc = subprocess.run([sys.executable, "-m", "dipsim", "replicate", "welsh_intensive", "-n", "4",
                               "--days", "30", "--seed", "77", "--backend", backend, "--workers", "2",
                               "--no-progress", "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                              timeout=300)
        assert proc.returncode == 0, proc.stderr
        outs[backend] = _files(out)
    assert outs["serial"] and outs["serial"] == outs["processes"] == outs["dask"]
    prov = json.loads(outs["serial"]["provenance.json"])
    text = json.dumps(prov)
    assert "77" in text and len(prov["scenario_hash"]) == 64 and prov["dipsim_version"]
