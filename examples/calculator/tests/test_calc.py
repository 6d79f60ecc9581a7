from calculator import add, divide, mean, subtract


def test_add():
    assert add(2, 3) == 5


def test_subtract():
    assert subtract(5, 3) == 2


def test_divide():
    assert divide(6, 3) == 2


def test_mean():
    assert mean([1, 2, 3]) == 2
    assert mean([]) is None


def test_divide_by_zero_returns_none():
    # The docstring promises None; today this raises ZeroDivisionError.
    assert divide(1, 0) is None
