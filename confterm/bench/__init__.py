"""``confterm bench``: performance figures, each against a baseline measured in the same run.

This machine is shared and noisy, so every figure is a set of samples reported as median
and 95th percentile, with the ratio of its median to the baseline's median; nothing here
is a pass/fail timing. Feature areas add their figures by listing a module in
``FIGURE_MODULES`` whose ``figures(ctx: BenchContext) -> list[Figure]`` does the work.
"""
