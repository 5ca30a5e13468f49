"""Child process for the kill test: rotate ``privacy_people`` at URL, batch by batch.

After each committed batch it prints ``batch <total>`` and waits for a line on stdin, so the
parent decides exactly when it is killed (no timing guesses).
"""

from __future__ import annotations

import os
import sys

from privacy_helpers import PEOPLE

from omnistock.privacy.cipher import FieldCipher
from omnistock.privacy.keys import load_keyring
from omnistock.privacy.rotation import BatchDone, rotate
from omnistock.store.engine import make_engine


def main(url: str, batch_size: int) -> None:
    engine = make_engine(url)

    def committed(done: BatchDone) -> None:
        sys.stdout.write(f"batch {done.total}\n")
        sys.stdout.flush()
        sys.stdin.readline()

    rotate(
        engine,
        FieldCipher(load_keyring(os.environ)),
        PEOPLE,
        batch_size=batch_size,
        on_batch=committed,
    )
    sys.stdout.write("finished\n")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
