import doctest

from omnistock.channels import pacing
from omnistock.channels.pacing import Pacer


def test_doctests_pass() -> None:
    assert doctest.testmod(pacing).failed == 0


def test_never_exceeds_rate_after_burst() -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    pacer = Pacer(rate=4, burst=8, monotonic=lambda: now[0], sleep=sleep)
    stamps = []
    for _ in range(48):
        pacer.wait()
        stamps.append(now[0])
    # 8 at once, then 40 more at 4 per second: 10 seconds
    assert stamps[7] == 0.0
    assert abs(stamps[-1] - 10.0) < 1e-9
    # in any one-second window after the burst at most 4 calls start
    for i in range(8, len(stamps) - 4):
        assert stamps[i + 4] - stamps[i] >= 1.0 - 1e-9
