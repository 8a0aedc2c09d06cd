"""The ``onecenter`` command."""
