"""Flatcar's older formats: spec 1 and spec 2.0-2.4 configs, validated by the 2.x rules and
translated to spec 3.1 the way Flatcar's Ignition v2.26.0 build does (patches 0002-0004,
0010, 0014; flatcar/ignition v0.36.2's config packages). Imported only for such configs."""
