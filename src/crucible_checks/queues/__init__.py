"""The queues check family."""
