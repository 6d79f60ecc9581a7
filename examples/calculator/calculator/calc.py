"""Arithmetic helpers for the command-line calculator."""


def add(a, b):
    """Return a + b."""
    return a + b


def subtract(a, b):
    """Return a - b."""
    return a - b


def divide(a, b):
    """Return a / b, or None when b is zero (the calculator shows "undefined" for None)."""
    return a / b


def mean(values):
    """Return the arithmetic mean of values, or None for an empty list."""
    if not values:
        return None
    return divide(sum(values), len(values))
