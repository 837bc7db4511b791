"""Ships the notebooks and the bundled samples inside the package (audit_lib/_bundled, see
audit_lib/resources.py): the report notebook and the demo need them outside a checkout too."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = ("notebooks", "data_samples")


class BuildWithBundle(build_py):
    """build_py that also copies notebooks/ and data_samples/ into audit_lib/_bundled/."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "audit_lib" / "_bundled"
        for name in BUNDLED:
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(HERE / name, target / name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))


setup(cmdclass={"build_py": BuildWithBundle})
