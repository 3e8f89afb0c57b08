"""Helpers of the scripts that generate the core's data tables from a pinned
PyPI wheel (`tools/phoneplan/build.py`, `tools/ibanplan/build.py`): fetch the
wheel once into `.cache/<name>/`, and write a generated Rust file."""
import glob
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def wheel(cache, project, version):
    """The path of `project==version`'s wheel in `.cache/<cache>/`, downloaded
    there with pip (no dependencies) the first time."""
    where = os.path.join(ROOT, ".cache", cache)
    os.makedirs(where, exist_ok=True)
    pattern = os.path.join(where, f"{project}-{version}-*.whl")
    if not glob.glob(pattern):
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", f"{project}=={version}",
                        "-d", where], check=True)
    return glob.glob(pattern)[0]


def write_rs(path, lines):
    """Writes `lines` to `path` as ASCII with `\\n` line ends."""
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
