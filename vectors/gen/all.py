"""Regenerates every vector file: runs each `gen_*.py` in this folder."""
import glob
import os
import runpy
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
for script in sorted(glob.glob(os.path.join(here, "gen_*.py"))):
    runpy.run_path(script, run_name="__main__")
