"""`make bench`: timings of each pipeline stage against the physical limit of this machine."""
