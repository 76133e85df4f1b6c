"""The docs check family."""
