"""Reference values for polscore's agreement module (src/agreement.rs).

Reads from stdin a JSON list of rating matrices, each a list of rater rows (raters x items)
with null for a missing rating, and prints a JSON list with Krippendorff's ordinal alpha of
each, computed by the PyPI `krippendorff` package; null where alpha is undefined.
"""

import json
import math
import sys

try:
    import numpy as np
    import krippendorff
except ImportError as e:
    sys.exit(f"agreement_crosscheck.py: {e}; run `pip install krippendorff`")


def ordinal_alpha(matrix):
    data = np.array(
        [[math.nan if v is None else float(v) for v in row] for row in matrix],
        dtype=float,
    )
    try:
        # The package divides 0 by 0 when nothing varies; that nan means "undefined".
        with np.errstate(divide="ignore", invalid="ignore"):
            alpha = float(
                krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal")
            )
    except ValueError:
        # Raised when fewer than two values occur or no item has two ratings: undefined.
        return None
    return None if math.isnan(alpha) else alpha


def main():
    matrices = json.load(sys.stdin)
    json.dump([ordinal_alpha(m) for m in matrices], sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
