"""The auto-tagging engine: listing, the lazy AssetResponseWrapper, the six per-asset steps,
write-back, reports, checkpoints, and the presets that choose the call pattern (docs/engine.md)."""
