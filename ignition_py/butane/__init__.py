"""Butane (YAML) configs: translation to Ignition 3.x."""
