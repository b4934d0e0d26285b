"""dlcore — the course's reference implementations of deep-learning building blocks, in NumPy."""

__version__ = "0.1.0"
