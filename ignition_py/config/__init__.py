"""Ignition configs: decode, check, translate, merge, and the typed model of the newest spec."""
