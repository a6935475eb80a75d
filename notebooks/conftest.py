"""pytest configuration for the notebooks (collected by nbval, see pyproject.toml).

Runs every notebook at small scale inside the test suite: the kernels nbval starts are
child processes and inherit this environment. A value already set wins, so
``DIPSIM_SCALE=full pytest notebooks`` runs them at full scale.
"""

import os

os.environ.setdefault("DIPSIM_SCALE", "small")
