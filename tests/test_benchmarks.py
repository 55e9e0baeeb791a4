"""The benchmark script runs and prints its table (the numbers themselves are not tested)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_script_prints_its_table():
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Machine: ") and "cores" in lines[0]
    assert "| what | how | result | target | met |" in lines
    assert any(line.startswith("| trace vs forward") and "x |" in line for line in lines)
    assert sum(line.startswith("| char LM training") and "characters/s" in line
               for line in lines) == 2
    assert any(line.startswith("| SampleStepper sampling") and "ms per character" in line
               for line in lines)
    assert any(line.startswith("| SampleStepper step") and " ms |" in line for line in lines)
    assert any(line.startswith("| StateStepper display (") and "messages" in line
               and "static form" in line for line in lines)
    for widget in ("StateStepper", "GateViewer", "LayerStepper", "GradientFlow"):
        assert any(line.startswith(f"| {widget} step") and " KiB |" in line for line in lines)
        assert any(line.startswith(f"| {widget} display overhead") and " ms |" in line
                   for line in lines)
