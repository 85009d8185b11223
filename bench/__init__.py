"""`make bench`: figures and ratios, printed; never asserted (a shared machine is noisy)."""
