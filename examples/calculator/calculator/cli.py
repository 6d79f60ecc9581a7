"""Command-line entry: `python -m calculator.cli 6 / 3`."""

import sys

from .calc import add, divide, subtract

OPERATIONS = {"+": add, "-": subtract, "/": divide}


def main(argv):
    left, op, right = argv
    result = OPERATIONS[op](float(left), float(right))
    print("undefined" if result is None else result)


if __name__ == "__main__":
    main(sys.argv[1:])
