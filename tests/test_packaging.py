"""`pip install .` ships the embedded data: build the wheel and import from it alone."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(ROOT)],
        check=True, capture_output=True,
    )
    (whl,) = out.glob("servmodel-*.whl")
    return whl


def test_wheel_holds_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for year in (1995, 2011):
        assert f"servmodel/_embedded/wiod2013/wiot_{year}.npz" in names
    assert "servmodel/_embedded/wiod2013/sectors.csv" in names
    assert "servmodel/_embedded/wiod2013/README.md" in names


def test_installed_wheel_finds_data_without_the_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import servmodel.io as io; d = io.embedded_data_dir(); "
        "t = io.read_wiod2013_year(2011); print(d); print(t.Z.shape)"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=True)
    data_dir, shape = proc.stdout.splitlines()
    assert Path(data_dir).is_relative_to(site)
    assert shape == "(1435, 1435)"
