"""The parity check family."""
