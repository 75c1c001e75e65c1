"""One numpy MLP engine for every page: argument checks, layer arithmetic, the forward and backward
pass with its buffer pool and weight cache, the measured runs at initialization, and training."""
