"""Build hook: no wheel or sdist is built without the WebAssembly component.

Everything else is declared in ``pyproject.toml``. The package is pure Python
around ``presidio_x402/presidio_x402.wasm``, which ``make component`` builds
from the Rust core and copies here; a checkout has no such file (it is built,
not committed). Without it a wheel would install and fail at first use, so
building one (``pip install ./bindings-python``, ``python -m build``) stops
with the message below instead. An sdist made by ``make dist`` carries the
component, so installing it needs no Rust toolchain.
"""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.egg_info import egg_info
from setuptools.command.sdist import sdist

WASM = Path(__file__).resolve().parent / "presidio_x402" / "presidio_x402.wasm"
#: A WebAssembly component starts with this preamble (magic, version 0x0d, layer 1);
#: a core module (layer 0) or any other file is not what the package loads.
COMPONENT_PREAMBLE = b"\x00asm\x0d\x00\x01\x00"
MISSING = f"""
presidio-hardened-x402: {WASM.name} is missing or not a WebAssembly component
  (looked for {WASM}).
  The package cannot work without it, so nothing was built or installed.
  From the repository root, run `make component` (builds it from the Rust core and
  copies it into bindings-python/presidio_x402/; needs a Rust toolchain) or
  `make python-venv` (the component and a venv with the package), then install again.
  Or install a built package instead: `make dist` writes a wheel and an sdist to dist/.
"""


def require_component() -> None:
    """Stops the build unless the component is present and is a component."""
    try:
        with WASM.open("rb") as fh:
            head = fh.read(len(COMPONENT_PREAMBLE))
    except OSError:
        head = b""
    if head != COMPONENT_PREAMBLE:
        raise SystemExit(MISSING)


class EggInfo(egg_info):
    """Metadata comes first in every build (pip, ``python -m build``): stopping
    here fails an install before any dependency is downloaded."""

    def run(self) -> None:
        require_component()
        super().run()


class BuildPy(build_py):
    """``build_py`` that refuses to build a package without its component."""

    def run(self) -> None:
        require_component()
        super().run()


class Sdist(sdist):
    """``sdist`` that refuses to pack a source tree without its component."""

    def run(self) -> None:
        require_component()
        super().run()


setup(cmdclass={"egg_info": EggInfo, "build_py": BuildPy, "sdist": Sdist})
