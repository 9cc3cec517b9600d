"""ignition-py: a Python re-implementation of CoreOS Ignition."""

__version__ = "0.1.0"
