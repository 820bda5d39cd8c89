"""teardown-lint: finds tests whose teardown deletes what their background work still needs."""

__version__ = "0.1.0"
