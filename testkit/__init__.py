"""What the tests and the benchmarks share: the agents (ours and upstream's Go builds), one
stage runner, root trees and loop disks. Not shipped: setuptools packages only ignition_py."""
