"""Collection rules for the whole repository (tests/conftest.py holds the fixtures).

graph/ and api/ are collected for their doctests. Two modules run something when imported
and have no examples: ``api/main.py`` builds the app from this machine's settings, and
``graph/__main__.py`` is the ``onecenter`` command.
"""

collect_ignore = ["api/main.py", "graph/__main__.py"]
