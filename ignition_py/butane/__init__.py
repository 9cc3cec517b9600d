"""Butane YAML configs (Butane v0.29.0's variants) translated to Ignition 3.x JSON trees,
so that every reader of a config accepts them; front.py is the entry."""
