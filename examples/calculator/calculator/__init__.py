"""A tiny calculator used as Tanuki's bundled example repository."""

from .calc import add, divide, mean, subtract

__all__ = ["add", "subtract", "divide", "mean"]
