"""Benchmark of the public pages at scale: data generator, load driver and runner.

`make bench` runs `python -m bench.run`; see the "Hiệu năng / Benchmark" section of the
README. Nothing here is imported by the application or by the test suite.
"""
