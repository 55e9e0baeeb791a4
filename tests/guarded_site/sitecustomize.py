"""Installs the test suite's network guard in every Python process the tests start.

conftest.py puts this folder (and tests/) on PYTHONPATH and names a log file in
RNN_COURSE_NETWORK_LOG; Python imports ``sitecustomize`` at start-up, so kernels, JupyterLab
and scripts run by the tests refuse and record any attempt to reach a non-loopback host.
Outside the test suite the variable is unset and this does nothing.
"""

import os

if os.environ.get("RNN_COURSE_NETWORK_LOG"):
    import network_guard

    network_guard.install(os.environ["RNN_COURSE_NETWORK_LOG"])
