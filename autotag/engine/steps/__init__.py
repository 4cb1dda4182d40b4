"""The six per-asset steps, in the order the real tool runs them."""
